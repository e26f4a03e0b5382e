import type { OAuthTokenSet, StoredTokenSet, StoreError, TenantId, TokenStore } from '@edusync/core'
import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import { QuickBooksError } from '../errors.ts'
import type { Sleep } from '../http/limiter.ts'
import type { QuickBooksOAuth } from './oauth-client.ts'

/** The TokenStore key of a realm's token pair. */
export const tokenKey = (realmId: string): string => `quickbooks:${realmId}`

/** Hands out a realm's access token, refreshing it single-flight across this process and others. */
export interface TokenManager {
  /** A token valid for at least the refresh margin. */
  get(): Promise<Result<string, QuickBooksError>>
  /** Marks `accessToken` rejected (a 401), so the next {@link TokenManager.get} refreshes. */
  invalidate(accessToken: string): void
}

/** Options of {@link createTokenManager}. */
export interface TokenManagerOptions {
  readonly tenant: TenantId
  readonly realmId: string
  readonly tokenStore: TokenStore
  readonly oauth: QuickBooksOAuth
  readonly holder: string
  readonly refreshMarginMs: number
  readonly leaseMs: number
  readonly sleep: Sleep
  readonly now: () => number
}

const storeFailure = (error: StoreError) =>
  new QuickBooksError('Store', `the token store failed: ${error.message}`, { cause: error })

/**
 * Creates the token manager of one client. The refresh protocol, for QuickBooks' rotating refresh token:
 * 1. One refresh per client at a time (callers share the promise).
 * 2. Re-read the TokenStore: another process may already hold a fresh pair.
 * 3. Take the realm's refresh lease (one refresher across processes); if another holder has it, wait and
 *    re-read until its new pair appears (or the lease expires and we take it).
 * 4. Refresh with the newest stored refresh token and store the new pair with compare-and-set.
 * 5. `invalid_grant`: re-read; if the stored refresh token changed meanwhile, retry once with it; else
 *    `Auth` with `reconsent: true`.
 */
export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const { tenant, tokenStore, oauth, holder, now } = options
  const key = tokenKey(options.realmId)
  const rejected = new Set<string>()
  let current: OAuthTokenSet | undefined
  let inflight: Promise<Result<string, QuickBooksError>> | undefined

  const fresh = (tokens: OAuthTokenSet | undefined): tokens is OAuthTokenSet =>
    tokens !== undefined &&
    !rejected.has(tokens.accessToken) &&
    tokens.accessTokenExpiresAt - options.refreshMarginMs > now()

  const notConnected = () =>
    new QuickBooksError(
      'Auth',
      `QuickBooks company ${options.realmId} is not connected for tenant "${tenant}": run the OAuth connect flow`,
      { reconsent: true },
    )

  async function read(): Promise<Result<StoredTokenSet | null, QuickBooksError>> {
    return (await tokenStore.read(tenant, key)).mapErr(storeFailure)
  }

  async function refreshFrom(
    stored: StoredTokenSet,
    retried: boolean,
  ): Promise<Result<OAuthTokenSet, QuickBooksError>> {
    const refreshed = await oauth.refresh(
      stored.tokens.refreshToken,
      stored.tokens.attributes ?? { realmId: options.realmId },
    )
    if (refreshed.isErr()) {
      if (refreshed.error.code !== 'invalid_grant') return err(refreshed.error)
      // Another process may have rotated the token after our read: its pair is in the store.
      const again = await read()
      if (again.isErr()) return err(again.error)
      const latest = again.value
      if (latest && latest.tokens.refreshToken !== stored.tokens.refreshToken) {
        if (fresh(latest.tokens)) return ok(latest.tokens)
        if (!retried) return refreshFrom(latest, true)
      }
      return err(refreshed.error)
    }
    const written = await tokenStore.compareAndSet(tenant, key, stored.version, refreshed.value)
    if (written.isErr()) {
      // The new pair exists only here now; failing loudly beats silently losing the rotated token.
      return err(storeFailure(written.error))
    }
    // A conflict means another holder wrote after its lease outlived ours; both pairs are valid for now,
    // the stored one stays authoritative and ours serves this process until it expires.
    return ok(refreshed.value)
  }

  async function acquire(): Promise<Result<string, QuickBooksError>> {
    const started = now()
    for (;;) {
      const stored = await read()
      if (stored.isErr()) return err(stored.error)
      if (!stored.value) return err(notConnected())
      if (fresh(stored.value.tokens)) {
        current = stored.value.tokens
        return ok(current.accessToken)
      }
      const lease = await tokenStore.acquireRefreshLease(tenant, key, {
        holder,
        leaseMs: options.leaseMs,
        now: new Date(now()),
      })
      if (lease.isErr()) return err(storeFailure(lease.error))
      if (!lease.value) {
        if (now() - started > options.leaseMs * 2) {
          return err(
            new QuickBooksError(
              'Transport',
              `waited ${now() - started} ms for another process to refresh the QuickBooks token`,
            ),
          )
        }
        await options.sleep(Math.min(250, options.leaseMs / 4))
        continue
      }
      try {
        // Re-read under the lease: the previous holder may have stored a fresh pair just before releasing.
        const latest = await read()
        if (latest.isErr()) return err(latest.error)
        if (!latest.value) return err(notConnected())
        if (fresh(latest.value.tokens)) {
          current = latest.value.tokens
          return ok(current.accessToken)
        }
        const refreshed = await refreshFrom(latest.value, false)
        if (refreshed.isErr()) return err(refreshed.error)
        current = refreshed.value
        return ok(current.accessToken)
      } finally {
        await tokenStore.releaseRefreshLease(tenant, key, holder)
      }
    }
  }

  return {
    get() {
      if (fresh(current)) return Promise.resolve(ok(current.accessToken))
      inflight ??= acquire().finally(() => {
        inflight = undefined
      })
      return inflight
    },
    invalidate(accessToken) {
      rejected.add(accessToken)
      if (current?.accessToken === accessToken) current = undefined
    },
  }
}
