import { randomUUID } from 'node:crypto'
import type {
  EntityName,
  IdempotencyClaim,
  Link,
  OutcomeCounts,
  Store,
  StoredRecord,
  StoredResponse,
} from '@edusync/core'
import { StoreError } from '@edusync/core'
import { errAsync, ResultAsync } from 'neverthrow'
import type { SqlExecutor } from './executor/executor.ts'
import type { MigrateResult } from './migrate-schema.ts'
import { migrateSchema } from './migrate-schema.ts'
import { migrations } from './migrations/index.ts'
import type { PgStoreConfig } from './pg-store-config.ts'
import { resolveConfig } from './pg-store-config.ts'
import { planLinks } from './plan-links.ts'
import { idempotencySql } from './sql/idempotency-sql.ts'
import { quoteIdent } from './sql/identifiers.ts'
import { linksSql } from './sql/links-sql.ts'
import type { ParkedRow } from './sql/parked-sql.ts'
import { parkedSql, toParkedRecord } from './sql/parked-sql.ts'
import { recordsSql } from './sql/records-sql.ts'
import type { RunRow } from './sql/runs-sql.ts'
import { runsSql, toSyncRun } from './sql/runs-sql.ts'
import { reasonOf, toStoreError } from './to-store-error.ts'
import { createBatchWriter } from './write-batch.ts'

/** The Postgres Store: the core {@link Store} plus its schema management. */
export interface PgStore extends Store {
  /** The Postgres schema holding this Store's tables. */
  readonly schema: string
  /**
   * Applies pending migrations now (the Store also does it before its first call unless configured
   * with `migrate: false`). Safe to run from several processes at once.
   */
  migrate(): ResultAsync<MigrateResult, StoreError>
}

// Duplicate ids would make the per-id probes return a row twice.
const unique = (ids: readonly string[]): string[] => [...new Set(ids)]

const COUNT_KEYS = ['total', 'new', 'unchanged', 'updated', 'invalid', 'deferred', 'error'] as const

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
  let closed = false
  let opening: Promise<SqlExecutor> | undefined
  let executor: SqlExecutor | undefined
  let writer: ReturnType<typeof createBatchWriter> | undefined

  // Opens the executor and migrates once; a failure is not cached, so the next call tries again.
  function ready(): Promise<SqlExecutor> {
    opening ??= (async () => {
      executor ??= await resolved.open()
      if (resolved.migrate) await migrateSchema(executor, resolved.schema, migrations)
      writer = createBatchWriter(executor, sql.records, resolved.conflictRetries)
      return executor
    })().catch((error: unknown) => {
      opening = undefined
      throw error
    })
    return opening
  }

  function op<T>(operation: string, fn: (x: SqlExecutor) => Promise<T>): ResultAsync<T, StoreError> {
    if (closed) return errAsync(new StoreError('Unavailable', `${operation}: the pg store is closed`))
    return ResultAsync.fromPromise(
      ready().then((x) => fn(x)),
      (error) => toStoreError(operation, error),
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

    readRecords(tenant, entity, ids) {
      return op('readRecords', async (x) => {
        if (ids.length === 0) return new Map()
        const rows = await x.query<{
          id: string
          fingerprint: string
          data: Record<string, unknown>
          updated_at: Date
        }>(sql.records.readRecords, [tenant, entity, ids])
        return new Map<string, StoredRecord>(
          rows.map((r) => [
            r.id,
            { id: r.id, fingerprint: r.fingerprint, data: r.data, updatedAt: r.updated_at },
          ]),
        )
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
        const rows = await x.query<ParkedRow>(sql.parked.waitingFor, [tenant, entity, ids])
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
      return op('purgeParked', async (x) => {
        const [row] = await x.query<{ n: number }>(sql.parked.purge, [
          tenant,
          options.entity ?? null,
          options.olderThan,
        ])
        return row?.n ?? 0
      })
    },

    upsertLinks(tenant, links) {
      return op('upsertLinks', async (x) => {
        if (links.length === 0) return
        const plan = planLinks(links)
        const columns = (list: readonly Link[]) => [
          list.map((l) => l.entity),
          list.map((l) => l.id),
          list.map((l) => l.system),
          list.map((l) => l.externalId),
        ]
        const lockKeys = links.map((l) => JSON.stringify([tenant, l.system, l.entity, l.externalId]))
        for (let attempt = 0; ; attempt++) {
          try {
            await x.transaction(async (tx) => {
              await tx.query(sql.links.lockExternalIds, [lockKeys])
              await tx.query(sql.links.releaseMoved, [tenant, ...columns(links)])
              if (plan.dropped.length > 0) {
                await tx.query(sql.links.deleteKeys, [tenant, ...columns(plan.dropped).slice(0, 3)])
              }
              await tx.query(sql.links.upsert, [tenant, ...columns(plan.kept)])
            })
            return
          } catch (error) {
            if (attempt >= resolved.conflictRetries || reasonOf(error) !== 'Conflict') throw error
          }
        }
      })
    },

    readLinks(tenant, entity, ids) {
      return op('readLinks', async (x) => {
        const out = new Map<string, Link[]>()
        if (ids.length === 0) return out
        const rows = await x.query<{ entity: string; id: string; system: string; external_id: string }>(
          sql.links.read,
          [tenant, entity, unique(ids)],
        )
        for (const r of rows) {
          const list = out.get(r.id) ?? []
          list.push({ entity: r.entity, id: r.id, system: r.system, externalId: r.external_id })
          out.set(r.id, list)
        }
        return out
      })
    },

    findByExternalIds(tenant, system, entity, externalIds) {
      return op('findByExternalIds', async (x) => {
        if (externalIds.length === 0) return new Map()
        const rows = await x.query<{ external_id: string; id: string }>(sql.links.findByExternalIds, [
          tenant,
          system,
          entity,
          unique(externalIds),
        ])
        return new Map(rows.map((r) => [r.external_id, r.id]))
      })
    },

    claimIdempotencyKey(tenant, request) {
      return op('claimIdempotencyKey', async (x): Promise<IdempotencyClaim> => {
        const token = randomUUID()
        const [row] = await x.query<{
          claimed: boolean
          request_fingerprint: string
          state: string
          response: StoredResponse | null
        }>(sql.idem.claim, [
          tenant,
          request.key,
          request.requestFingerprint,
          token,
          request.now ?? null,
          Math.round(request.leaseMs),
          Math.round(request.ttlMs),
        ])
        if (!row) throw new StoreError('Corrupt', 'claimIdempotencyKey: the claim returned no row')
        if (row.claimed) return { status: 'claimed' }
        if (row.request_fingerprint !== request.requestFingerprint) return { status: 'mismatch' }
        if (row.state === 'completed' && row.response) return { status: 'completed', response: row.response }
        return { status: 'in_progress' }
      })
    },

    completeIdempotencyKey(tenant, key, response, options = {}) {
      return op('completeIdempotencyKey', async (x) => {
        const rows = await x.query(sql.idem.complete, [
          tenant,
          key,
          JSON.stringify(response),
          options.now ?? null,
        ])
        if (rows.length === 0)
          throw new StoreError('Invalid', `idempotency key ${JSON.stringify(key)} is not claimed`)
      })
    },

    releaseIdempotencyKey(tenant, key) {
      return op('releaseIdempotencyKey', async (x) => {
        await x.query(sql.idem.release, [tenant, key])
      })
    },

    createRun(tenant, run) {
      return op('createRun', async (x) => {
        const [row] = await x.query<RunRow>(runs.create, [
          tenant,
          randomUUID(),
          run.step,
          JSON.stringify(run.metadata ?? {}),
        ])
        if (!row) throw new StoreError('Corrupt', 'createRun: the insert returned no row')
        return toSyncRun(row)
      })
    },

    updateRun(tenant, runId, update) {
      return op('updateRun', async (x) => {
        const add: Partial<OutcomeCounts> = update.addCounts ?? {}
        const [row] = await x.query<RunRow>(runs.update, [
          tenant,
          runId,
          update.status ?? null,
          ...COUNT_KEYS.map((k) => add[k] ?? 0),
          update.error !== undefined,
          update.error ?? null,
          update.metadata ? JSON.stringify(update.metadata) : null,
        ])
        if (!row) throw new StoreError('Invalid', `no sync run ${runId} in this tenant`)
        return toSyncRun(row)
      })
    },

    getRun(tenant, runId) {
      return op('getRun', async (x) => {
        const [row] = await x.query<RunRow>(runs.get, [tenant, runId])
        return row ? toSyncRun(row) : null
      })
    },

    listRuns(tenant, options = {}) {
      return op('listRuns', async (x) => {
        const rows = await x.query<RunRow>(runs.list, [
          tenant,
          options.step ?? null,
          options.status ?? null,
          options.limit ?? 100,
        ])
        return rows.map(toSyncRun)
      })
    },

    async close() {
      if (closed) return
      closed = true
      const current = executor ?? (opening ? await opening.catch(() => undefined) : undefined)
      executor = undefined
      opening = undefined
      await current?.close()
    },
  }
}
