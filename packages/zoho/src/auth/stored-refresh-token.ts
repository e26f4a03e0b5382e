import type { StoreError, TenantId, TokenStore } from '@edusync/core'
import { errAsync, ResultAsync } from 'neverthrow'
import type { ZohoConfig } from '../config.ts'
import { resolveConfig } from '../config.ts'
import { ZohoError } from '../errors.ts'
import { createTransport } from '../http/transport.ts'
import { refreshAccessToken } from './refresh-access-token.ts'
import { zohoStoredTokenKey } from './token-keys.ts'
import { toTokenSet } from './zoho-token.ts'

/** What {@link replaceZohoRefreshToken} stored. */
export interface ZohoTokenReplacement {
  /** The tenant the pair was stored for. */
  readonly tenant: TenantId
  /** The TokenStore key ({@link zohoStoredTokenKey}). */
  readonly key: string
  /** The pair's version after the write. */
  readonly version: number
  /** When the access token minted by the check expires, epoch milliseconds. */
  readonly accessTokenExpiresAt: number
  /** The API domain Zoho returned with it. */
  readonly apiDomain: string
}

/**
 * Replaces a tenant's Zoho refresh token (one that was revoked, or dropped as the user's 21st): checks the
 * new one with one real refresh against the accounts server, and only if Zoho mints an access token stores
 * both under {@link zohoStoredTokenKey} with `replace`, whatever was stored. From then on every client of the
 * tenant with the same accounts server and client id, in any process sharing the TokenStore, uses it
 * instead of its configured `refreshToken` (which `config` still needs, but which is not called here). A
 * refused token (`{"error":"invalid_code"}` inside HTTP 200) is `Auth` and nothing is written.
 *
 * `config` is the client's configuration with its `tokenStore` and `tenant` (without them there is
 * nowhere to store: `Validation`).
 *
 * @example
 * ```ts
 * const replaced = await replaceZohoRefreshToken({ ...zohoConfig, tokenStore: store.tokenStore, tenant: 'acme' }, newToken)
 * if (replaced.isErr()) console.error(replaced.error.reason, replaced.error.message)
 * ```
 */
export function replaceZohoRefreshToken(
  config: ZohoConfig,
  refreshToken: string,
  now: () => number = Date.now,
): ResultAsync<ZohoTokenReplacement, ZohoError> {
  const { tokenStore, tenant } = config
  if (!tokenStore || !tenant) {
    return errAsync(
      new ZohoError('Validation', 'a Zoho refresh token is stored in a tokenStore for a tenant: give both'),
    )
  }
  if (refreshToken.trim() === '') {
    return errAsync(new ZohoError('Validation', 'the new Zoho refresh token is empty'))
  }
  const resolved = resolveConfig(config)
  const key = zohoStoredTokenKey(resolved)
  const transport = createTransport({ timeoutMs: resolved.timeoutMs, fetch: resolved.fetch })
  return new ResultAsync(refreshAccessToken(resolved, transport, refreshToken.trim(), now)).andThen((token) =>
    storeIn(tokenStore, tenant, key, toTokenSet(token, refreshToken.trim())).map((version) => ({
      tenant,
      key,
      version,
      accessTokenExpiresAt: token.expiresAt,
      apiDomain: token.apiDomain,
    })),
  )
}

const storeIn = (
  tokenStore: TokenStore,
  tenant: TenantId,
  key: string,
  tokens: ReturnType<typeof toTokenSet>,
): ResultAsync<number, ZohoError> =>
  tokenStore
    .replace(tenant, key, tokens)
    .mapErr(
      (e: StoreError) =>
        new ZohoError('Store', `the token store failed, nothing was stored: ${e.message}`, { cause: e }),
    )
