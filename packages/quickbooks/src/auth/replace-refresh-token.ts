import type { StoreError, TenantId, TokenStore } from '@edusync/core'
import type { ResultAsync } from 'neverthrow'
import { errAsync } from 'neverthrow'
import { QuickBooksError } from '../errors.ts'
import type { QuickBooksOAuth } from './oauth-client.ts'
import { tokenKey } from './token-manager.ts'

/** What {@link replaceRefreshToken} stored. */
export interface TokenReplacement {
  readonly tenant: TenantId
  readonly realmId: string
  /** The TokenStore key (`quickbooks:<realmId>`). */
  readonly key: string
  /** The pair's version after the write. */
  readonly version: number
  /** Whether Intuit answered the check with a different refresh token (rotation): that one was stored. */
  readonly rotated: boolean
  /** When the access token minted by the check expires, epoch milliseconds. */
  readonly accessTokenExpiresAt: number
  /** When the stored refresh token expires (about 100 days, rolling), epoch milliseconds, if Intuit said. */
  readonly refreshTokenExpiresAt: number | null
}

/**
 * Replaces a tenant's QuickBooks refresh token when the stored one is dead (expired after 100 days unused,
 * revoked, or lost to a rotation race) with one obtained elsewhere (the OAuth Playground, a consent in
 * another deployment): checks it by one real refresh at Intuit's token endpoint, and only when Intuit
 * answers with a pair stores **that pair** (its refresh token may already be a rotated one, the given one
 * then dies within a day) under `quickbooks:<realmId>` with `replace`, whatever was stored. A refused token
 * (HTTP 400 `{"error":"invalid_grant"}`) is `Auth` with `reconsent: true` and nothing is written.
 *
 * Unlike `seedRefreshToken`, which never overwrites a stored pair, this is the operator's explicit
 * "the stored token is dead, use this one". A client refreshing at the same moment loses its
 * compare-and-set and reads the new pair.
 *
 * @example
 * ```ts
 * const oauth = createQuickBooksOAuth({ clientId, clientSecret })
 * const replaced = await replaceRefreshToken(oauth, store.tokenStore, 'acme', realmId, newToken)
 * ```
 */
export function replaceRefreshToken(
  oauth: QuickBooksOAuth,
  tokenStore: TokenStore,
  tenant: TenantId,
  realmId: string,
  refreshToken: string,
): ResultAsync<TokenReplacement, QuickBooksError> {
  if (!/^\d+$/.test(realmId)) {
    return errAsync(new QuickBooksError('Validation', `realmId must be digits, got "${realmId}"`))
  }
  const given = refreshToken.trim()
  if (given === '') {
    return errAsync(new QuickBooksError('Validation', 'the new refresh token is empty'))
  }
  const key = tokenKey(realmId)
  return oauth.refresh(given, { realmId }).andThen((tokens) =>
    tokenStore
      .replace(tenant, key, tokens)
      .mapErr(
        (e: StoreError) =>
          new QuickBooksError(
            'Store',
            `the token store failed, nothing was stored (set the token again): ${e.message}`,
            { cause: e },
          ),
      )
      .map((version) => ({
        tenant,
        realmId,
        key,
        version,
        rotated: tokens.refreshToken !== given,
        accessTokenExpiresAt: tokens.accessTokenExpiresAt,
        refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
      })),
  )
}
