import { randomUUID } from 'node:crypto'
import type { StoredTokenSet, TokenStore } from '@edusync/core'
import { createMemoryTokenStore } from '@edusync/core'
import type { Result } from 'neverthrow'
import { ok } from 'neverthrow'
import type { ResolvedZohoConfig } from '../config.ts'
import type { ZohoError } from '../errors.ts'
import type { Transport } from '../http/transport.ts'
import { refreshAccessToken } from './refresh-access-token.ts'
import { zohoStoredTokenKey, zohoTokenKey } from './token-keys.ts'
import type { ZohoToken } from './zoho-token.ts'
import { fromTokenSet, toTokenSet } from './zoho-token.ts'

/** Hands out one access token per client and refreshes it, single-flight. */
export interface TokenManager {
  /** A token valid for at least the refresh margin; concurrent callers share one refresh. */
  get(): Promise<Result<ZohoToken, ZohoError>>
  /** Drops `accessToken` after Zoho rejected it, so the next {@link TokenManager.get} refreshes. */
  invalidate(accessToken: string): void
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The refresh token a refresh uses, the key its access token is kept under, and what was read there. */
interface Source {
  readonly key: string
  readonly refreshToken: string
  /** The pair stored under `key` (`null`: none; `undefined`: the store failed). */
  readonly seen: StoredTokenSet | null | undefined
}

// The tenant of a client without a configured token store: its store is private to the client.
const PRIVATE_TENANT = 'zoho-client'

/**
 * Creates the token manager of one client. The protocol, for Zoho's limit of 10 access tokens per refresh
 * token per 10 minutes:
 * 1. One refresh per client at a time (concurrent callers share the promise).
 * 2. Read the TokenStore: another client or process may already hold a fresh token.
 * 3. Take the token's refresh lease (one refresher across processes); while another holder has it, wait
 *    and re-read until its token appears (or the lease expires and this client takes it over).
 * 4. Refresh and store the token with compare-and-set against the version read under the lease.
 *
 * Which refresh token: one an operator stored with `replaceZohoRefreshToken` (under
 * {@link zohoStoredTokenKey}, kept with its access token) wins over the configured one, so a revoked
 * configured token is replaced without redeploying; without a stored one, the configured refresh token
 * is used and only its access token is stored (under {@link zohoTokenKey}).
 *
 * The store is an optimisation, never a point of failure: a store that cannot read, lease or write is
 * treated as empty and this client refreshes and keeps its own token.
 */
export function createTokenManager(
  config: ResolvedZohoConfig,
  transport: Transport,
  now: () => number = Date.now,
): TokenManager {
  const store: TokenStore = config.tokenStore ?? createMemoryTokenStore()
  const tenant = config.tenant ?? PRIVATE_TENANT
  const configuredKey = zohoTokenKey(config)
  const storedKey = zohoStoredTokenKey(config)
  const holder = randomUUID()
  const leaseMs = config.refreshLeaseMs
  const rejected = new Set<string>()
  let current: ZohoToken | undefined
  let inflight: Promise<Result<ZohoToken, ZohoError>> | undefined

  const fresh = (token: ZohoToken | undefined): token is ZohoToken =>
    token !== undefined &&
    !rejected.has(token.accessToken) &&
    token.expiresAt - config.refreshMarginMs > now()

  /** The stored pair (`null`: none), or `undefined` when the store failed (treated as empty). */
  async function read(key: string): Promise<StoredTokenSet | null | undefined> {
    const stored = await store.read(tenant, key)
    return stored.isOk() ? stored.value : undefined
  }

  /**
   * The refresh token in force and the key its access token lives under, with what is stored there: the
   * operator's stored pair when there is one, else the configured token.
   */
  async function source(): Promise<Source> {
    const operator = await read(storedKey)
    if (operator && operator.tokens.refreshToken !== '') {
      return { key: storedKey, refreshToken: operator.tokens.refreshToken, seen: operator }
    }
    return { key: configuredKey, refreshToken: config.refreshToken, seen: await read(configuredKey) }
  }

  const usable = (stored: StoredTokenSet | null | undefined): ZohoToken | undefined => {
    if (!stored) return undefined
    const token = fromTokenSet(stored.tokens, config.fallbackApiDomain)
    return fresh(token) ? token : undefined
  }

  const refresh = (from: Source) => refreshAccessToken(config, transport, from.refreshToken, now)

  /** Refreshes and stores the token over what was read (`undefined`: the store failed, nothing is written). */
  async function refreshAndStore(
    from: Source,
    seen: StoredTokenSet | null | undefined,
  ): Promise<Result<ZohoToken, ZohoError>> {
    const refreshed = await refresh(from)
    if (refreshed.isErr() || seen === undefined) return refreshed
    // A conflict means another holder wrote after its lease outlived ours: both tokens are valid, the
    // stored one serves the others and ours this client. A failed write only misses the sharing. The
    // operator's refresh token stays in its pair; the configured one is never written.
    const keep = from.key === storedKey ? from.refreshToken : ''
    await store.compareAndSet(tenant, from.key, seen?.version ?? null, toTokenSet(refreshed.value, keep))
    return refreshed
  }

  async function acquire(): Promise<Result<ZohoToken, ZohoError>> {
    const started = now()
    for (;;) {
      const from = await source()
      const shared = usable(from.seen)
      if (shared) return ok(shared)
      if (from.seen === undefined) return refresh(from)
      const { key } = from
      const lease = await store.acquireRefreshLease(tenant, key, { holder, leaseMs, now: new Date(now()) })
      if (lease.isErr()) return refresh(from)
      if (!lease.value) {
        // Another holder is refreshing: wait for its token, but never longer than its lease could last.
        if (now() - started <= leaseMs * 2) {
          await sleep(Math.min(250, leaseMs / 4))
          continue
        }
        return refreshAndStore(from, await read(key))
      }
      try {
        // Re-read under the lease: the previous holder may have stored a token just before releasing.
        const latest = await read(key)
        const token = usable(latest)
        if (token) return ok(token)
        return await refreshAndStore(from, latest)
      } finally {
        await store.releaseRefreshLease(tenant, key, holder)
      }
    }
  }

  return {
    get() {
      if (fresh(current)) return Promise.resolve(ok(current))
      if (!inflight) {
        inflight = acquire()
          .then((result) => {
            if (result.isOk()) current = result.value
            return result
          })
          .finally(() => {
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
