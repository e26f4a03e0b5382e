import type { EntityName, IdempotencyGroups, PushLedger, Store, TokenStore } from '@edusync/core'
import { StoreError } from '@edusync/core'
import { errAsync, ResultAsync } from 'neverthrow'
import type { SqlExecutor } from './executor/executor.ts'
import { eventMethods } from './methods/events.ts'
import { idempotencyMethods } from './methods/idempotency.ts'
import { linkMethods } from './methods/links.ts'
import { unique } from './methods/op.ts'
import { pgPushLedger } from './methods/push-ledger.ts'
import { rosterMethods } from './methods/rosters.ts'
import { runMethods } from './methods/runs.ts'
import { pgTokenStore } from './methods/token-store.ts'
import { tombstoneMethods } from './methods/tombstones.ts'
import type { MigrateResult } from './migrate-schema.ts'
import { migrateSchema } from './migrate-schema.ts'
import { migrations } from './migrations/index.ts'
import { createOutboxWriter } from './outbox.ts'
import type { PgStoreConfig } from './pg-store-config.ts'
import { resolveConfig } from './pg-store-config.ts'
import { eventsSql } from './sql/events-sql.ts'
import { idempotencySql } from './sql/idempotency-sql.ts'
import { quoteIdent } from './sql/identifiers.ts'
import { linksSql } from './sql/links-sql.ts'
import type { ParkedRow } from './sql/parked-sql.ts'
import { parkedSql, toParkedRecord } from './sql/parked-sql.ts'
import { pushLedgerSql } from './sql/push-ledger-sql.ts'
import { recordsSql } from './sql/records-sql.ts'
import { rostersSql } from './sql/rosters-sql.ts'
import { runsSql } from './sql/runs-sql.ts'
import { tokensSql } from './sql/tokens-sql.ts'
import { tombstonesSql } from './sql/tombstones-sql.ts'
import { isEngineCrash, toStoreError } from './to-store-error.ts'
import { createBatchWriter } from './write-batch.ts'

/** The Postgres Store: the core {@link Store} plus its schema management. */
export interface PgStore extends Store, IdempotencyGroups {
  /** The Postgres schema holding this Store's tables. */
  readonly schema: string
  /**
   * Applies pending migrations now (the Store also does it before its first call unless configured
   * with `migrate: false`). Safe to run from several processes at once.
   */
  migrate(): ResultAsync<MigrateResult, StoreError>

  // ---- ports sharing this Store's connection (separate interfaces, see core) ----------------------

  /**
   * The outbound push ledger in this Store's schema (`push_ledger`): claims with `FOR UPDATE SKIP
   * LOCKED`, safe across worker processes. Closed with the Store.
   */
  readonly pushLedger: PushLedger
  /**
   * OAuth token pairs in this Store's schema (`oauth_tokens`), compare-and-set by version, with refresh
   * leases (`oauth_refresh_leases`) shared by every process on the database. Closed with the Store.
   */
  readonly tokenStore: TokenStore
}

/**
 * Creates a Store over PostgreSQL: a real server through node-postgres, or PGlite in-process. The same
 * SQL runs on both. Nothing connects until the first call; then pending migrations are applied (unless
 * `migrate: false`). Methods never throw: failures are `err(StoreError)` with a reason to act on.
 *
 * @param config How to reach the database. @default `{}`: PGlite in memory
 * @example
 * ```ts
 * import { createSyncEngine } from '@edusync/core'
 * import { createPgStore } from '@edusync/store-pg'
 *
 * const store = createPgStore({ connectionString: process.env.DATABASE_URL! }) // or { pool }, { dataDir }, {}
 * const engine = createSyncEngine({ store })
 * await engine.syncBatch({ tenant: 'acme', entity: 'student', records })
 * await store.close()
 * ```
 */
export function createPgStore(config: PgStoreConfig = {}): PgStore {
  const resolved = resolveConfig(config)
  const s = quoteIdent(resolved.schema)
  const sql = { records: recordsSql(s), parked: parkedSql(s), links: linksSql(s), idem: idempotencySql(s) }
  const runs = runsSql(s)
  const events = eventsSql(s)
  const tombstones = tombstonesSql(s)
  const ledgerSql = pushLedgerSql(s)
  const outbox = createOutboxWriter(s, config.outbox, ledgerSql)
  let closed = false
  let opening: Promise<SqlExecutor> | undefined
  let executor: SqlExecutor | undefined
  let writer: ReturnType<typeof createBatchWriter> | undefined
  // Set when the embedded PGlite crashed; every later statement on that instance would fail.
  let fatal: unknown

  // Opens the executor and migrates once; a failure is not cached, so the next call tries again.
  function ready(): Promise<SqlExecutor> {
    opening ??= (async () => {
      executor ??= await resolved.open()
      if (resolved.migrate) await migrateSchema(executor, resolved.schema, migrations)
      writer = createBatchWriter(executor, sql.records, resolved.conflictRetries, outbox)
      return executor
    })().catch((error: unknown) => {
      opening = undefined
      throw error
    })
    return opening
  }

  function op<T>(operation: string, fn: (x: SqlExecutor) => Promise<T>): ResultAsync<T, StoreError> {
    if (closed) return errAsync(new StoreError('Unavailable', `${operation}: the pg store is closed`))
    if (fatal !== undefined && !resolved.recoverable) {
      return errAsync(
        new StoreError(
          'Unavailable',
          `${operation}: the embedded database failed fatally and cannot be reopened in this process; restart it`,
          { cause: fatal },
        ),
      )
    }
    return ResultAsync.fromPromise(
      ready().then((x) => fn(x)),
      (error) => {
        if (resolved.engine === 'pglite' && isEngineCrash(error)) return crashed(operation, error)
        return toStoreError(operation, error)
      },
    )
  }

  // The WASM instance is gone: drop it, so the next call reopens from disk (when that keeps committed
  // data) instead of feeding statements to a dead engine; tell the host either way.
  function crashed(operation: string, error: unknown): StoreError {
    const first = fatal === undefined || resolved.recoverable
    fatal = error
    if (resolved.recoverable) {
      const dead = executor
      executor = undefined
      opening = undefined
      writer = undefined
      fatal = undefined
      dead?.close().catch(() => {})
    }
    if (first) resolved.onFatal?.({ error, recoverable: resolved.recoverable })
    return new StoreError(
      'Unavailable',
      `${operation}: the embedded database failed fatally (${error instanceof Error ? error.message : String(error)})${resolved.recoverable ? '; it is reopened on the next call' : ''}`,
      { cause: error },
    )
  }

  return {
    id: resolved.engine,
    schema: resolved.schema,
    capabilities: { multiProcess: resolved.engine === 'pg' },

    migrate() {
      if (closed) return errAsync(new StoreError('Unavailable', 'migrate: the pg store is closed'))
      return ResultAsync.fromPromise(
        (async () => {
          executor ??= await resolved.open()
          return migrateSchema(executor, resolved.schema, migrations)
        })(),
        (error) => toStoreError('migrate', error),
      )
    },

    readFingerprints(tenant, entity, ids) {
      return op('readFingerprints', async (x) => {
        if (ids.length === 0) return new Map()
        const rows = await x.query<{ id: string; fingerprint: string }>(sql.records.readFingerprints, [
          tenant,
          entity,
          unique(ids),
        ])
        return new Map(rows.map((r) => [r.id, r.fingerprint]))
      })
    },

    existingIds(tenant, refs) {
      return op('existingIds', async (x) => {
        const wanted = new Map<EntityName, string[]>()
        for (const ref of refs) wanted.set(ref.entity, [...(wanted.get(ref.entity) ?? []), ...ref.ids])
        const out = new Map<EntityName, Set<string>>([...wanted.keys()].map((e) => [e, new Set<string>()]))
        const asked = [...wanted].filter(([, ids]) => ids.length > 0).map(([e, ids]) => [e, unique(ids)])
        if (asked.length === 0) return out
        const rows = await x.query<{ entity: string; id: string }>(sql.records.existingIds(asked.length), [
          tenant,
          ...asked.flat(),
        ])
        for (const row of rows) out.get(row.entity)?.add(row.id)
        return out
      })
    },

    applyBatch(tenant, entity, changes) {
      return op('applyBatch', () => writer!.apply(tenant, entity, changes))
    },

    countRecords(tenant, entity) {
      return op('countRecords', async (x) => {
        const [row] = await x.query<{ n: number }>(sql.records.countRecords, [tenant, entity])
        return row?.n ?? 0
      })
    },

    parkedWaitingFor(tenant, entity, ids) {
      return op('parkedWaitingFor', async (x) => {
        if (ids.length === 0) return []
        const rows = await x.query<ParkedRow>(sql.parked.waitingFor, [tenant, entity, unique(ids)])
        return rows.map(toParkedRecord)
      })
    },

    listParked(tenant, options = {}) {
      return op('listParked', async (x) => {
        const rows = await x.query<ParkedRow>(sql.parked.list, [
          tenant,
          options.entity ?? null,
          options.limit ?? null,
        ])
        return rows.map(toParkedRecord)
      })
    },

    purgeParked(tenant, options) {
      return op('purgeParked', (x) =>
        x.transaction(async (tx) => {
          const params = [tenant, options.entity ?? null]
          const [row] = await tx.query<{ n: number }>(sql.parked.purge, [...params, options.olderThan])
          await tx.query(sql.parked.purgeWaiting, params)
          return row?.n ?? 0
        }),
      )
    },

    ...linkMethods(op, sql.links, resolved.conflictRetries),
    ...idempotencyMethods(op, sql.idem, resolved.maxJsonbDepth),
    ...eventMethods(op, events),
    ...runMethods(op, runs, resolved.maxJsonbDepth),
    ...tombstoneMethods(op, tombstones, sql.records, resolved.conflictRetries, outbox),
    ...rosterMethods(op, rostersSql(s)),

    pushLedger: pgPushLedger(op, ledgerSql),
    tokenStore: pgTokenStore(op, tokensSql(s)),

    async close() {
      if (closed) return
      closed = true
      const current = executor ?? (opening ? await opening.catch(() => undefined) : undefined)
      executor = undefined
      opening = undefined
      // A crashed PGlite cannot even close; there is nothing left to release.
      if (fatal === undefined) await current?.close()
      else await current?.close().catch(() => {})
    },
  }
}
