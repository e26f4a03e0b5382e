import type { OAuthTokenSet } from '@edusync/core'
import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import type { QuickBooksAppCredentials } from '../config.ts'
import { intuitOAuth } from '../config.ts'
import { QuickBooksError } from '../errors.ts'
import { createTransport } from '../http/transport.ts'
import { tokenResponse } from '../schemas/token.ts'

/** The scopes edusync needs: the Accounting API. */
export const accountingScope = 'com.intuit.quickbooks.accounting'

/** Intuit's OAuth2 token endpoint: code exchange and refresh (Basic auth, form body). */
export interface QuickBooksOAuth {
  /**
   * The URL to send a person to for consent. `state` must be unguessable and checked on the callback
   * (CSRF); the callback receives `code`, `state` and `realmId`.
   */
  authorizeUrl(options: {
    readonly state: string
    readonly redirectUri?: string
    readonly scopes?: readonly string[]
  }): string
  /** Exchanges the callback's authorisation code (single use) for the first token pair. */
  exchangeCode(
    code: string,
    options: { readonly realmId: string; readonly redirectUri?: string },
  ): ResultAsync<OAuthTokenSet, QuickBooksError>
  /**
   * Trades a refresh token for a new pair. The answer may carry a new refresh token (rotation): the
   * caller must store it. A dead refresh token is `Auth` with code `invalid_grant`.
   */
  refresh(
    refreshToken: string,
    attributes?: Readonly<Record<string, string>>,
  ): ResultAsync<OAuthTokenSet, QuickBooksError>
}

/** Creates the OAuth client of one Intuit app. */
export function createQuickBooksOAuth(
  credentials: QuickBooksAppCredentials,
  now: () => number = Date.now,
): QuickBooksOAuth {
  const transport = createTransport({ timeoutMs: credentials.timeoutMs ?? 30_000, fetch: credentials.fetch })
  const url = credentials.tokenUrl ?? intuitOAuth.token
  const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')

  async function post(
    form: URLSearchParams,
    attributes: Readonly<Record<string, string>>,
    previousRefreshToken?: string,
  ): Promise<Result<OAuthTokenSet, QuickBooksError>> {
    const request = { method: 'POST', url }
    const issuedAt = now()
    const sent = await transport({
      method: 'POST',
      url,
      headers: {
        Authorization: `Basic ${basic}`,
        Accept: 'application/json',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: form,
    })
    if (sent.isErr()) return err(sent.error)
    const response = sent.value
    const intuitTid = response.headers.get('intuit_tid') ?? undefined
    const context = { request, status: response.status, ...(intuitTid ? { intuitTid } : {}) }
    if (response.status === 429) {
      return err(new QuickBooksError('RateLimited', 'the Intuit token endpoint answered 429', context))
    }
    if (response.status >= 500) {
      return err(
        new QuickBooksError(
          'Transport',
          `the Intuit token endpoint answered HTTP ${response.status}`,
          context,
        ),
      )
    }
    let json: unknown
    try {
      json = JSON.parse(response.body)
    } catch (cause) {
      return err(
        new QuickBooksError(
          'Decode',
          `the Intuit token endpoint answered HTTP ${response.status} with a body that is not JSON`,
          {
            ...context,
            cause,
          },
        ),
      )
    }
    const parsed = tokenResponse.safeParse(json)
    if (!parsed.success) {
      return err(
        new QuickBooksError('Decode', 'the Intuit token endpoint answered an unexpected body', {
          ...context,
          cause: parsed.error,
        }),
      )
    }
    const data = parsed.data
    if (data.error !== undefined || response.status >= 400 || !data.access_token) {
      const code = data.error ?? 'no_access_token'
      const dead = code === 'invalid_grant'
      return err(
        new QuickBooksError(
          'Auth',
          dead
            ? 'Intuit refused the refresh token or code (invalid_grant): it was rotated, revoked or used already; if no newer token is stored, someone must connect QuickBooks again'
            : `Intuit refused the token request: ${code}${data.error_description ? ` (${data.error_description})` : ''}`,
          { ...context, code, reconsent: dead },
        ),
      )
    }
    const refreshToken = data.refresh_token ?? previousRefreshToken
    if (!refreshToken) {
      return err(
        new QuickBooksError('Decode', 'the Intuit token endpoint returned no refresh_token', context),
      )
    }
    return ok({
      accessToken: data.access_token,
      refreshToken,
      accessTokenExpiresAt: issuedAt + (data.expires_in ?? 3600) * 1000,
      refreshTokenExpiresAt:
        data.x_refresh_token_expires_in !== undefined
          ? issuedAt + data.x_refresh_token_expires_in * 1000
          : null,
      attributes,
    })
  }

  return {
    authorizeUrl({ state, redirectUri, scopes }) {
      const redirect = redirectUri ?? credentials.redirectUri
      if (!redirect) throw new TypeError('QuickBooks OAuth: a redirectUri is required')
      const params = new URLSearchParams({
        client_id: credentials.clientId,
        response_type: 'code',
        scope: (scopes ?? [accountingScope]).join(' '),
        redirect_uri: redirect,
        state,
      })
      return `${intuitOAuth.authorize}?${params.toString()}`
    },
    exchangeCode(code, options) {
      const redirect = options.redirectUri ?? credentials.redirectUri
      if (!redirect) throw new TypeError('QuickBooks OAuth: a redirectUri is required')
      const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect })
      return new ResultAsync(post(form, { realmId: options.realmId }))
    },
    refresh(refreshToken, attributes = {}) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken })
      return new ResultAsync(post(form, attributes, refreshToken))
    },
  }
}
