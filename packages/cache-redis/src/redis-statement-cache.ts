import { StoreError } from '@edusync/core'
import type { StatementCache } from '@edusync/core/finance'
import { Redis } from 'ioredis'
import { ResultAsync } from 'neverthrow'

/** The slice of an ioredis (or node-redis v4+ with the same signatures) client the cache uses. */
export interface RedisLike {
  get(key: string): Promise<string | null>
  set(key: string, value: string, mode: 'PX', ttlMs: number): Promise<unknown>
  quit(): Promise<unknown>
}

/** Options of {@link createRedisStatementCache}. */
export type RedisStatementCacheOptions =
  /** A client the host already has (the cache never closes it). */
  | { readonly client: RedisLike; readonly keyPrefix?: string }
  /**
   * A URL such as `redis://127.0.0.1:6379/0`: the cache creates (and closes) an ioredis client tuned to
   * fail fast: one retry per command, a command timeout (queued commands included), reconnects in the
   * background.
   */
  | { readonly url: string; readonly keyPrefix?: string; readonly commandTimeoutMs?: number }

/**
 * A {@link StatementCache} in Redis: values are JSON strings set with `PX` (a TTL in milliseconds), read
 * with `GET`. Failures are `err(StoreError)` with reason `Unavailable` (or `Corrupt` for a value that is
 * not JSON), never throws. Wrap it in core's resilient cache (`createFinance` does) so that a Redis outage
 * only costs cache hits.
 *
 * @example
 * ```ts
 * const cache = createRedisStatementCache({ url: process.env.REDIS_URL! })
 * const finance = createFinance({ store, finance: financeStore, cache })
 * ```
 */
export function createRedisStatementCache(options: RedisStatementCacheOptions): StatementCache {
  const prefix = options.keyPrefix ?? ''
  const owned = 'url' in options
  const client: RedisLike =
    'url' in options
      ? new Redis(options.url, {
          // Commands issued while (re)connecting wait in ioredis' queue, but never longer than the command
          // timeout: fail-fast without refusing the first command of a fresh client.
          maxRetriesPerRequest: 1,
          commandTimeout: options.commandTimeoutMs ?? 500,
          connectTimeout: 2_000,
          // Keep trying to reconnect in the background (capped backoff); commands fail fast meanwhile.
          retryStrategy: (times: number) => Math.min(times * 100, 2_000),
        })
      : options.client
  if (owned) {
    // An unheard 'error' event would crash the host; failures reach callers through the commands.
    ;(client as Redis).on('error', () => {})
  }
  const unavailable = (operation: string) => (error: unknown) =>
    new StoreError(
      'Unavailable',
      `redis ${operation} failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    )

  return {
    id: 'redis',
    get(key) {
      return ResultAsync.fromPromise(client.get(prefix + key), unavailable('GET')).andThen((text) => {
        if (text === null) return ResultAsync.fromSafePromise(Promise.resolve(undefined))
        return ResultAsync.fromPromise(
          Promise.resolve().then(() => JSON.parse(text) as unknown),
          (error) => new StoreError('Corrupt', `redis GET ${key}: the value is not JSON`, { cause: error }),
        )
      })
    },
    set(key, value, ttlMs) {
      return ResultAsync.fromPromise(
        Promise.resolve().then(() =>
          client.set(prefix + key, JSON.stringify(value), 'PX', Math.max(1, Math.round(ttlMs))),
        ),
        unavailable('SET'),
      ).map(() => undefined)
    },
    async close() {
      if (owned) await client.quit().catch(() => undefined)
    },
  }
}
