import { createHash } from 'node:crypto'
import { withRetry } from '@edusync/http'
import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import type { ResolvedZohoConfig } from '../config.ts'
import { ZohoError } from '../errors.ts'
import type { Transport } from '../http/transport.ts'
import { tokenResponse } from '../schemas/token.ts'
import type { TokenCache, ZohoToken } from './token-cache.ts'
import { createMemoryTokenCache } from './token-cache.ts'

/** Hands out one access token per client and refreshes it, single-flight. */
export interface TokenManager {
  /** A token valid for at least the refresh margin; concurrent callers share one refresh. */
  get(): Promise<Result<ZohoToken, ZohoError>>
  /** Drops `accessToken` after Zoho rejected it, so the next {@link TokenManager.get} refreshes. */
  invalidate(accessToken: string): void
}

/** Creates the token manager of one client. */
export function createTokenManager(
  config: ResolvedZohoConfig,
  transport: Transport,
  now: () => number = Date.now,
): TokenManager {
  const cache: TokenCache = config.tokenCache ?? createMemoryTokenCache()
  // The cache key identifies the refresh token without containing it.
  const key = `zoho:${config.accountsUrl}:${config.clientId}:${createHash('sha256').update(config.refreshToken).digest('hex').slice(0, 24)}`
  const rejected = new Set<string>()
  let current: ZohoToken | undefined
  let inflight: Promise<Result<ZohoToken, ZohoError>> | undefined

  const fresh = (token: ZohoToken | undefined): token is ZohoToken =>
    token !== undefined &&
    !rejected.has(token.accessToken) &&
    token.expiresAt - config.refreshMarginMs > now()

  async function fromCache(): Promise<ZohoToken | undefined> {
    try {
      const token = await cache.get(key)
      return fresh(token) ? token : undefined
    } catch {
      return undefined
    }
  }

  async function refresh(): Promise<Result<ZohoToken, ZohoError>> {
    const url = `${config.accountsUrl}/oauth/v2/token`
    const request = { method: 'POST', url }
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: config.clientId,
      client_secret: config.clientSecret,
      refresh_token: config.refreshToken,
    })
    const issuedAt = now()
    const sent = await withRetry(() => transport({ method: 'POST', url, body: form }), config.retry, {
      idempotent: true,
    })
    if (sent.isErr()) return err(sent.error)
    const response = sent.value
    if (response.status === 429) {
      return err(
        new ZohoError('RateLimited', 'Zoho token endpoint kept answering 429', { request, status: 429 }),
      )
    }
    if (response.status >= 500) {
      return err(
        new ZohoError('Transport', `Zoho token endpoint answered HTTP ${response.status}`, {
          request,
          status: response.status,
        }),
      )
    }
    let json: unknown
    try {
      json = JSON.parse(response.body)
    } catch (cause) {
      return err(
        new ZohoError(
          'Decode',
          `Zoho token endpoint answered HTTP ${response.status} with a body that is not JSON`,
          {
            request,
            status: response.status,
            cause,
          },
        ),
      )
    }
    const parsed = tokenResponse.safeParse(json)
    if (!parsed.success || parsed.data.access_token === undefined) {
      const code = parsed.success ? parsed.data.error : undefined
      return err(
        new ZohoError(
          'Auth',
          `Zoho refused the refresh token: ${code ?? 'no access_token in the answer'} (check client id, secret, refresh token and data center)`,
          { request, status: response.status, ...(code ? { code } : {}) },
        ),
      )
    }
    const data = parsed.data
    const lifetimeSeconds = data.expires_in ?? data.expires_in_sec ?? 3600
    const token: ZohoToken = {
      accessToken: data.access_token as string,
      apiDomain: (data.api_domain ?? config.fallbackApiDomain).replace(/\/+$/, ''),
      expiresAt: issuedAt + lifetimeSeconds * 1000,
    }
    try {
      await cache.set(key, token)
    } catch {
      // A cache that cannot store is only a missed optimisation: this process keeps its token.
    }
    return ok(token)
  }

  async function acquire(): Promise<Result<ZohoToken, ZohoError>> {
    const cached = await fromCache()
    const result = cached ? ok(cached) : await refresh()
    if (result.isOk()) current = result.value
    return result
  }

  return {
    get() {
      if (fresh(current)) return Promise.resolve(ok(current))
      if (!inflight) {
        inflight = acquire().finally(() => {
          inflight = undefined
        })
      }
      return inflight
    },
    invalidate(accessToken) {
      rejected.add(accessToken)
      if (current?.accessToken === accessToken) current = undefined
    },
  }
}
