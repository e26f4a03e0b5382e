import type { PushOutbox } from '@edusync/core'
import type { SqlExecutor } from './executor/executor.ts'
import type { PgPoolLike } from './executor/pg-executor.ts'
import { pgExecutor } from './executor/pg-executor.ts'
import type { PgliteLike } from './executor/pglite-executor.ts'
import { pgliteExecutor } from './executor/pglite-executor.ts'
import { assertSchemaName } from './sql/identifiers.ts'

/** Options every engine shares. */
export interface PgStoreCommonOptions {
  /** Postgres schema holding the Store's tables (created by the migrations). @default "edusync" */
  readonly schema?: string
  /** Apply pending migrations before the first call (safe with several processes). @default true */
  readonly migrate?: boolean
  /**
   * How many times `applyBatch` retries a serialization failure or deadlock before returning a
   * `Conflict` StoreError. @default 3
   */
  readonly conflictRetries?: number
  /**
   * Deepest JSON written to a `jsonb` column (stored idempotency replies, run metadata); deeper values are
   * refused as `Invalid` before they reach the database (see README, "Hostile input"). @default 256
   */
  readonly maxJsonbDepth?: number
  /**
   * Called once each time the embedded PGlite fails fatally (its WebAssembly instance crashed; every
   * later statement on it would fail). `recoverable` says what the Store does next: `true` for a PGlite it
   * created on a `dataDir` (the next call reopens it from disk, committed data intact), `false` otherwise
   * (in memory, or an instance the host passed in): every call then fails `Unavailable` and the host
   * should exit so its supervisor restarts it. Never called for a PostgreSQL server.
   */
  readonly onFatal?: (event: PgStoreFatalEvent) => void
  /**
   * Records every changed record in this Store's push ledger (`pushLedger`) in the same transaction as
   * the write (see `PushOutbox` in core). Absent: writes track nothing.
   */
  readonly outbox?: PushOutbox
}

/** What {@link PgStoreCommonOptions.onFatal} receives. */
export interface PgStoreFatalEvent {
  readonly error: unknown
  /** Whether the Store reopens the database by itself on the next call. */
  readonly recoverable: boolean
}

/** A real server reached through a node-postgres pool the Store creates (and closes). */
export interface PgConnectionConfig extends PgStoreCommonOptions {
  /** e.g. `postgres://user:pass@host:5432/db`. */
  readonly connectionString: string
  /** Pool size. @default 10 */
  readonly poolSize?: number
  /** Server-side `statement_timeout` for the pool's sessions, in ms. @default none */
  readonly statementTimeoutMs?: number
  /**
   * Run the Store's fixed statements as named prepared statements (parsed once per connection, planned
   * from PostgreSQL's plan cache; see README, "Prepared statements"). Set `false` behind a pooler that
   * moves a session's statements between server connections, such as PgBouncer in transaction mode before
   * 1.21 or without `max_prepared_statements`. @default true
   */
  readonly preparedStatements?: boolean
}

/** A real server reached through a pool the host already has (the Store never closes it). */
export interface PgPoolConfig extends PgStoreCommonOptions {
  /** A node-postgres `Pool` (or anything with the same `query`/`connect`/`end`). */
  readonly pool: PgPoolLike
  /**
   * Run the Store's fixed statements as named prepared statements (parsed once per connection, planned
   * from PostgreSQL's plan cache; see README, "Prepared statements"). Set `false` behind a pooler that
   * moves a session's statements between server connections, such as PgBouncer in transaction mode before
   * 1.21 or without `max_prepared_statements`. @default true
   */
  readonly preparedStatements?: boolean
}

/** An in-process PGlite the host already has (the Store never closes it). */
export interface PgliteInstanceConfig extends PgStoreCommonOptions {
  readonly pglite: PgliteLike
}

/** An in-process PGlite the Store creates: in memory, or persisted to `dataDir`. */
export interface PgliteEmbeddedConfig extends PgStoreCommonOptions {
  /** Directory PGlite persists to; omit for an in-memory database. */
  readonly dataDir?: string
}

/** How to reach the database; see {@link createPgStore}. */
export type PgStoreConfig = PgConnectionConfig | PgPoolConfig | PgliteInstanceConfig | PgliteEmbeddedConfig

/** @internal Config with defaults applied and the executor factory chosen. */
export interface ResolvedConfig {
  readonly schema: string
  readonly migrate: boolean
  readonly conflictRetries: number
  readonly engine: 'pg' | 'pglite'
  readonly open: () => Promise<SqlExecutor>
  readonly maxJsonbDepth: number
  /** Whether a fatally failed engine can be reopened without losing committed data. */
  readonly recoverable: boolean
  readonly onFatal: ((event: PgStoreFatalEvent) => void) | undefined
}

/** @internal Validates a config (throws on bad configuration, as construction errors do). */
export function resolveConfig(config: PgStoreConfig): ResolvedConfig {
  const schema = config.schema ?? 'edusync'
  assertSchemaName(schema)
  const conflictRetries = config.conflictRetries ?? 3
  if (!Number.isInteger(conflictRetries) || conflictRetries < 0) {
    throw new TypeError(
      `edusync store-pg: conflictRetries must be an integer >= 0 (received ${conflictRetries})`,
    )
  }
  const maxJsonbDepth = config.maxJsonbDepth ?? 256
  if (
    !(maxJsonbDepth === Number.POSITIVE_INFINITY || (Number.isInteger(maxJsonbDepth) && maxJsonbDepth > 0))
  ) {
    throw new TypeError(
      `edusync store-pg: maxJsonbDepth must be a positive integer (received ${maxJsonbDepth})`,
    )
  }
  const common = {
    schema,
    migrate: config.migrate ?? true,
    conflictRetries,
    maxJsonbDepth,
    recoverable: false,
    onFatal: config.onFatal,
  }
  if ('pool' in config) {
    return {
      ...common,
      engine: 'pg',
      open: async () =>
        pgExecutor(config.pool, {
          owned: false,
          prepared: config.preparedStatements ?? true,
          ...(await copy()),
        }),
    }
  }
  if ('connectionString' in config) {
    if (typeof config.connectionString !== 'string' || config.connectionString.length === 0) {
      throw new TypeError('edusync store-pg: connectionString must be a non-empty string')
    }
    return {
      ...common,
      engine: 'pg',
      open: async () => {
        const { default: pg } = await importPeer(() => import('pg'), 'pg')
        const pool = new pg.Pool({
          connectionString: config.connectionString,
          max: config.poolSize ?? 10,
          statement_timeout: config.statementTimeoutMs,
        })
        // An idle client whose server went away emits 'error' on the pool; without a listener Node crashes.
        pool.on('error', () => {})
        return pgExecutor(pool, {
          owned: true,
          prepared: config.preparedStatements ?? true,
          ...(await copy()),
        })
      },
    }
  }
  if ('pglite' in config) {
    return { ...common, engine: 'pglite', open: async () => pgliteExecutor(config.pglite, { owned: false }) }
  }
  const dataDir = (config as PgliteEmbeddedConfig).dataDir
  return {
    ...common,
    // Reopening an in-memory database would silently start empty; only one on disk is recoverable.
    recoverable: dataDir !== undefined,
    engine: 'pglite',
    open: async () => {
      const { PGlite } = await importPeer(() => import('@electric-sql/pglite'), '@electric-sql/pglite')
      const db = await PGlite.create(dataDir)
      return pgliteExecutor(db as unknown as PgliteLike, { owned: true })
    },
  }
}

async function copy() {
  const { from } = await import('pg-copy-streams')
  return { copyFrom: (statement: string) => from(statement) }
}

// The drivers are optional peers: say which one to install instead of a bare module-not-found.
async function importPeer<T>(load: () => Promise<T>, name: string): Promise<T> {
  try {
    return await load()
  } catch (error) {
    throw new Error(`edusync store-pg: this configuration needs the "${name}" package (pnpm add ${name})`, {
      cause: error,
    })
  }
}
