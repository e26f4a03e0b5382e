import type { StoreError, TenantId, TokenStore } from '@edusync/core'
import type { ResultAsync } from 'neverthrow'
import { errAsync, okAsync } from 'neverthrow'
import { QuickBooksError } from '../errors.ts'
import { tokenKey } from './token-manager.ts'

/** What {@link seedRefreshToken} did: stored the given token, or kept the pair already stored. */
export type SeedOutcome = 'seeded' | 'kept'

/**
 * Bootstraps a tenant's QuickBooks connection from a refresh token obtained elsewhere (the OAuth
 * Playground, another deployment, a secret manager): stores it **only when the token store holds nothing**
 * for the realm, by compare-and-set on "absent", with an already-expired access token so the client's first
 * call refreshes (and rotates) it. A stored pair is kept: QuickBooks rotates the refresh token on every
 * refresh, so a token from the environment is older than the stored one once it has been used, and
 * storing it again would replace a live token with a revoked one. Two processes seeding at once: one
 * writes, the other keeps what the first stored.
 *
 * @example
 * ```ts
 * await seedRefreshToken(store.tokenStore, 'acme', realmId, process.env.QUICKBOOKS_REFRESH_TOKEN!)
 * const qb = createQuickBooksClient({ tenant: 'acme', realmId, clientId, clientSecret, tokenStore: store.tokenStore })
 * ```
 */
export function seedRefreshToken(
  tokenStore: TokenStore,
  tenant: TenantId,
  realmId: string,
  refreshToken: string,
): ResultAsync<SeedOutcome, QuickBooksError> {
  if (!/^\d+$/.test(realmId)) {
    return errAsync(new QuickBooksError('Validation', `realmId must be digits, got "${realmId}"`))
  }
  if (refreshToken.trim() === '') {
    return errAsync(new QuickBooksError('Validation', 'the refresh token to seed is empty'))
  }
  const key = tokenKey(realmId)
  const failed = (e: StoreError) =>
    new QuickBooksError('Store', `the token store failed: ${e.message}`, { cause: e })
  return tokenStore
    .read(tenant, key)
    .mapErr(failed)
    .andThen((stored) => {
      if (stored) return okAsync<SeedOutcome, QuickBooksError>('kept')
      return tokenStore
        .compareAndSet(tenant, key, null, {
          accessToken: '',
          accessTokenExpiresAt: 0,
          refreshToken,
          refreshTokenExpiresAt: null,
          attributes: { realmId },
        })
        .mapErr(failed)
        .map((write): SeedOutcome => (write.status === 'written' ? 'seeded' : 'kept'))
    })
}
