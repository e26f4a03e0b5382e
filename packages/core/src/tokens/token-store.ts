import type { ResultAsync } from 'neverthrow'
import type { StoreError } from '../errors/store-error.ts'
import type { TenantId } from '../types/primitives.ts'

/**
 * An OAuth2 token pair as the authorisation server issued it. Secret values: a TokenStore keeps them, no
 * one logs them.
 */
export interface OAuthTokenSet {
  /** The bearer token for API calls. */
  readonly accessToken: string
  /** The refresh token; providers such as QuickBooks rotate it, so the newest one must always be kept. */
  readonly refreshToken: string
  /** When the access token expires, epoch milliseconds. */
  readonly accessTokenExpiresAt: number
  /** When the refresh token expires, epoch milliseconds; `null` when the provider does not say. */
  readonly refreshTokenExpiresAt: number | null
  /** Non-secret attributes kept with the pair (e.g. `realmId`, `scope`). */
  readonly attributes?: Readonly<Record<string, string>>
}

/** A token pair as stored, with its version for {@link TokenStore.compareAndSet}. */
export interface StoredTokenSet {
  readonly tokens: OAuthTokenSet
  /** Starts at 1 and grows by one with every write of the key. */
  readonly version: number
  readonly updatedAt: Date
}

/** Result of {@link TokenStore.compareAndSet}. */
export type TokenWrite =
  /** The pair was stored as `version`. */
  | { readonly status: 'written'; readonly version: number }
  /** The stored version was not the expected one; nothing was written. `current` is what is stored. */
  | { readonly status: 'conflict'; readonly current: StoredTokenSet | null }

/** Arguments of {@link TokenStore.acquireRefreshLease}. */
export interface RefreshLeaseRequest {
  /** Who asks (a process- or client-unique id); the same holder may re-acquire its own lease. */
  readonly holder: string
  /** How long the lease lasts before another holder may take it over (a crashed refresher). */
  readonly leaseMs: number
  /** The current time for lease arithmetic; Stores use their own clock when absent. */
  readonly now?: Date
}

/**
 * Keeps OAuth2 token pairs per tenant and key (e.g. `quickbooks:<realmId>`, `zoho:<client id>`), for
 * clients whose refresh token rotates and whose refreshes must not race.
 *
 * The contract every implementation keeps (`describeTokenStoreConformance` in `@edusync/core/testing`
 * checks it):
 * - **Tenant-scoped.** Nothing one tenant writes is visible to another.
 * - **Compare-and-set.** {@link TokenStore.compareAndSet} writes only when the stored version is the
 *   expected one, so of two processes that refreshed from the same version exactly one pair is stored,
 *   and a writer that lost learns what is stored instead.
 * - **One refresher at a time, across processes.** {@link TokenStore.acquireRefreshLease} grants a key's
 *   lease to exactly one of concurrent holders until it is released or expires. A lease (a row with an
 *   expiry) rather than a held database lock: the refresh is an HTTP call of up to seconds, and a crashed
 *   holder must not block the key forever.
 * - **No throws.** Failures are `err(StoreError)`.
 *
 * Implementations: {@link createMemoryTokenStore} (core, one process), `PgStore.tokenStore`
 * (`@edusync/store-pg`, many processes).
 */
export interface TokenStore {
  /** Stable id used in logs and conformance output. */
  readonly id: string

  /** The stored pair of a key, or `null`. */
  read(tenant: TenantId, key: string): ResultAsync<StoredTokenSet | null, StoreError>

  /**
   * Stores `tokens` if the key's stored version is `expectedVersion` (`null`: the key must be absent).
   * Exactly one of several concurrent writers expecting the same version succeeds.
   */
  compareAndSet(
    tenant: TenantId,
    key: string,
    expectedVersion: number | null,
    tokens: OAuthTokenSet,
  ): ResultAsync<TokenWrite, StoreError>

  /**
   * Stores `tokens` whatever is stored (a new authorisation: the user consented again). Returns the new
   * version.
   */
  replace(tenant: TenantId, key: string, tokens: OAuthTokenSet): ResultAsync<number, StoreError>

  /** Removes the key's pair (disconnect). Absent keys are fine. */
  remove(tenant: TenantId, key: string): ResultAsync<void, StoreError>

  /**
   * Tries to take the key's refresh lease: `true` when `holder` now holds it (it was free, expired, or
   * already this holder's), `false` when another holder's lease is still running.
   */
  acquireRefreshLease(
    tenant: TenantId,
    key: string,
    request: RefreshLeaseRequest,
  ): ResultAsync<boolean, StoreError>

  /** Gives the lease back if `holder` holds it; otherwise does nothing. */
  releaseRefreshLease(tenant: TenantId, key: string, holder: string): ResultAsync<void, StoreError>

  /** Releases what the TokenStore owns; calling it again does nothing. */
  close?(): Promise<void>
}
