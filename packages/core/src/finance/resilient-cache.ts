import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleAll,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel'
import type { ResultAsync } from 'neverthrow'
import type { StoreError } from '../errors/store-error.ts'
import type { SyncLogger } from '../sync/sync-engine.ts'
import type { StatementCache } from './statement-cache.ts'

/** Options of {@link createResilientCache}. */
export interface ResilientCacheOptions {
  /** Consecutive failures (errors or timeouts) that open the breaker. @default 5 */
  readonly failureThreshold?: number
  /** How long the breaker stays open before one probe call may try the cache again. @default 10_000 */
  readonly halfOpenAfterMs?: number
  /** A cache call slower than this counts as a failure (the statement is read from the database). @default 250 */
  readonly timeoutMs?: number
  readonly logger?: SyncLogger
}

/** Why a read did not come from the cache. */
export type CacheBypass = 'miss' | 'open' | 'error'

/** The result of a resilient read: a hit, or why it was not one. */
export type CacheRead =
  | { readonly hit: true; readonly value: unknown }
  | { readonly hit: false; readonly why: CacheBypass }

/** A {@link StatementCache} that never fails its caller (see {@link createResilientCache}). */
export interface ResilientCache {
  readonly id: string
  /** A hit, a miss, or a bypass (breaker open, or the call failed): never an error. */
  get(key: string): Promise<CacheRead>
  /** Whether the value was stored; a failure is absorbed. */
  set(key: string, value: unknown, ttlMs: number): Promise<boolean>
  /**
   * Stores in the background: returns at once, so a response never waits for the cache. A failure is
   * counted by the breaker and logged, never thrown nor left as an unhandled rejection. A later
   * {@link ResilientCache.get} of the same key in this process waits for the write first, so this process
   * reads its own writes.
   */
  setInBackground(key: string, value: unknown, ttlMs: number): void
  /** Resolves once every background write has finished (e.g. before closing the underlying cache). */
  idle(): Promise<void>
  /** The breaker's state: `closed` (normal), `open` (cache skipped), `half-open` (one probe allowed). */
  readonly state: 'closed' | 'open' | 'half-open'
}

/**
 * Wraps a cache in a cockatiel circuit breaker plus a timeout. A failing or slow cache costs at most
 * `timeoutMs` per call until `failureThreshold` consecutive failures open the breaker; then the cache is
 * not called at all (statements come straight from the database) until a probe after `halfOpenAfterMs`
 * succeeds. Callers never see a cache failure.
 */
export function createResilientCache(
  cache: StatementCache,
  options: ResilientCacheOptions = {},
): ResilientCache {
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: options.halfOpenAfterMs ?? 10_000,
    breaker: new ConsecutiveBreaker(options.failureThreshold ?? 5),
  })
  const policy = wrap(breaker, timeout(options.timeoutMs ?? 250, TimeoutStrategy.Aggressive))
  const logger = options.logger
  breaker.onBreak(() =>
    logger?.warn('statement cache breaker opened: reading statements from the database', { cache: cache.id }),
  )
  breaker.onReset(() => logger?.info('statement cache breaker closed', { cache: cache.id }))

  // cockatiel counts a rejected promise as a failure: turn the cache's err(...) into one.
  const call = <T>(fn: () => ResultAsync<T, StoreError>) =>
    policy.execute(async () => {
      const result = await fn()
      if (result.isErr()) throw result.error
      return result.value
    })

  // Background writes still in flight, by key: a get of such a key waits for its write.
  const pending = new Map<string, Promise<boolean>>()

  async function set(key: string, value: unknown, ttlMs: number): Promise<boolean> {
    try {
      await call<void>(() => cache.set(key, value, ttlMs))
      return true
    } catch (error) {
      if (!(error instanceof BrokenCircuitError)) {
        logger?.warn('statement cache write failed', { cache: cache.id, error: String(error) })
      }
      return false
    }
  }

  return {
    id: cache.id,
    get state() {
      const s = breaker.state
      return s === CircuitState.Open || s === CircuitState.Isolated
        ? 'open'
        : s === CircuitState.HalfOpen
          ? 'half-open'
          : 'closed'
    },
    async get(key) {
      const writing = pending.get(key)
      if (writing) await writing
      try {
        const value = await call<unknown>(() => cache.get(key))
        return value === undefined ? { hit: false, why: 'miss' } : { hit: true, value }
      } catch (error) {
        if (error instanceof BrokenCircuitError) return { hit: false, why: 'open' }
        logger?.warn('statement cache read failed', { cache: cache.id, error: String(error) })
        return { hit: false, why: 'error' }
      }
    },
    set,
    setInBackground(key, value, ttlMs) {
      // `set` never rejects; the catch is a last guard so nothing can surface as an unhandled rejection.
      const write: Promise<boolean> = set(key, value, ttlMs)
        .catch(() => false)
        .finally(() => {
          if (pending.get(key) === write) pending.delete(key)
        })
      pending.set(key, write)
    },
    async idle() {
      while (pending.size > 0) await Promise.all(pending.values())
    },
  }
}
