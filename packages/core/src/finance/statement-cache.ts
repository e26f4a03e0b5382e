import type { ResultAsync } from 'neverthrow'
import { okAsync } from 'neverthrow'
import type { StoreError } from '../errors/store-error.ts'
import type { TenantId } from '../types/primitives.ts'
import type { StatementScope } from './finance-store.ts'
import type { StatementQuery } from './statement.ts'

/**
 * A cache of JSON values with a time to live: where computed statements are kept. Implementations:
 * {@link createMemoryStatementCache} (the default) and `createRedisStatementCache` (`@edusync/cache-redis`).
 *
 * The contract (`describeStatementCacheConformance` in `@edusync/core/testing` checks it):
 * - `get` returns `ok(undefined)` for a missing or expired key, else a deep copy of what was `set`.
 * - `set` replaces the value and its expiry; values are JSON (what `JSON.stringify` keeps is kept).
 * - Failures are `err(StoreError)` (`Unavailable`, `Timeout`), never throws; callers fall back to the
 *   database. No staleness rule lives here: keys carry a version (see {@link statementCacheKey}) that the
 *   {@link FinanceStore} bumps in the transaction of every write, so a new write makes new keys and old
 *   entries just expire.
 */
export interface StatementCache {
  /** Stable id for logs, e.g. `"memory"`, `"redis"`. */
  readonly id: string
  get(key: string): ResultAsync<unknown, StoreError>
  set(key: string, value: unknown, ttlMs: number): ResultAsync<void, StoreError>
  /** Releases connections the cache owns. */
  close(): Promise<void>
}

/** Default time to live of a cached statement: 60 s (fresh enough for money, still offloads reads). */
export const DEFAULT_STATEMENT_TTL_MS = 60_000

/**
 * The cache key of a statement: `edusync:{tenant}:{kind}:{id}:statement:v{version}:{from}:{to}:{asOf}`,
 * e.g. `edusync:acme:student:s-1:statement:v3:2026-01-01:2026-12-31:2026-06-30`; summaries use `summary`
 * in place of `statement`. Tenant and id are URI-encoded so a `:` in them cannot collide with another key.
 */
export function statementCacheKey(
  tenant: TenantId,
  scope: StatementScope,
  version: number,
  query: Pick<StatementQuery, 'from' | 'to' | 'asOf'>,
  shape: 'statement' | 'summary' = 'statement',
): string {
  const e = encodeURIComponent
  return `edusync:${e(tenant)}:${scope.kind}:${e(scope.id)}:${shape}:v${version}:${query.from}:${query.to}:${query.asOf}`
}

/** Options of {@link createMemoryStatementCache}. */
export interface MemoryStatementCacheOptions {
  /** Clock for expiry. @default Date.now */
  readonly now?: () => number
  /** Entries kept at most; the oldest is evicted first. @default 10_000 */
  readonly maxEntries?: number
}

/** An in-process {@link StatementCache}: values are kept as JSON text, so reads return copies. */
export function createMemoryStatementCache(options: MemoryStatementCacheOptions = {}): StatementCache {
  const now = options.now ?? Date.now
  const max = options.maxEntries ?? 10_000
  const entries = new Map<string, { text: string; expiresAt: number }>()
  return {
    id: 'memory',
    get(key) {
      const entry = entries.get(key)
      if (!entry) return okAsync(undefined)
      if (entry.expiresAt <= now()) {
        entries.delete(key)
        return okAsync(undefined)
      }
      return okAsync(JSON.parse(entry.text) as unknown)
    },
    set(key, value, ttlMs) {
      entries.delete(key)
      entries.set(key, { text: JSON.stringify(value), expiresAt: now() + ttlMs })
      if (entries.size > max) entries.delete(entries.keys().next().value as string)
      return okAsync(undefined)
    },
    async close() {
      entries.clear()
    },
  }
}
