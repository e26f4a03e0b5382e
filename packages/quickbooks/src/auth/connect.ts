import type { StoreError, TenantId, TokenStore } from '@edusync/core'
import type { ResultAsync } from 'neverthrow'
import { errAsync } from 'neverthrow'
import { QuickBooksError } from '../errors.ts'
import type { QuickBooksOAuth } from './oauth-client.ts'
import { tokenKey } from './token-manager.ts'

/** What the OAuth redirect brought back. */
export interface ConnectCallback {
  readonly code: string
  readonly realmId: string
  readonly redirectUri?: string
}

/**
 * Completes the connect flow: exchanges the callback's code (single use: exchanging it twice revokes the
 * first pair) and stores the pair for the tenant and realm, replacing any older pair (a new consent).
 * Returns the realm id connected.
 */
export function connectQuickBooks(
  oauth: QuickBooksOAuth,
  tokenStore: TokenStore,
  tenant: TenantId,
  callback: ConnectCallback,
): ResultAsync<{ readonly realmId: string; readonly version: number }, QuickBooksError> {
  if (!/^\d+$/.test(callback.realmId)) {
    return errAsync(
      new QuickBooksError(
        'Validation',
        `the OAuth callback's realmId must be numeric, got "${callback.realmId}"`,
      ),
    )
  }
  return oauth
    .exchangeCode(callback.code, {
      realmId: callback.realmId,
      ...(callback.redirectUri ? { redirectUri: callback.redirectUri } : {}),
    })
    .andThen((tokens) =>
      tokenStore
        .replace(tenant, tokenKey(callback.realmId), tokens)
        .mapErr(
          (e: StoreError) =>
            new QuickBooksError('Store', `the token store failed: ${e.message}`, { cause: e }),
        ),
    )
    .map((version) => ({ realmId: callback.realmId, version }))
}
