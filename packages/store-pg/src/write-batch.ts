import type { BatchChanges, EntityName, TenantId, WriteEffect } from '@edusync/core'
import { invalidWriteIn } from '@edusync/core'
import { copyField, copyJsonField } from './copy-text.ts'
import type { SqlExecutor } from './executor/executor.ts'
import type { OutboxWriter } from './outbox.ts'
import type { RecordsSql } from './sql/records-sql.ts'
import { reasonOf, sqlState } from './to-store-error.ts'

/** How a (tenant, entity) pair is written: COPY while it is being loaded from empty, upserts after. */
type LoadMode = 'copy' | 'upsert'

// Below this many rows COPY's setup (the protocol's extra round trips; PGlite's Blob) costs more than it saves.
const COPY_MIN_ROWS = 500

/** @internal Writes engine batches; see `Store.applyBatch`. */
export interface BatchWriter {
  apply(
    tenant: TenantId,
    entity: EntityName,
    changes: BatchChanges,
  ): Promise<ReadonlyMap<string, WriteEffect>>
}

/**
 * Creates the batch writer. Every path is atomic: a single statement, or one transaction. Serialization
 * failures and deadlocks are retried (`retries` times, with a short jittered pause) before surfacing as a
 * `Conflict`; anything else surfaces at once.
 *
 * The initial-load path: when a (tenant, entity) has no rows, big batches are COPYed straight into the
 * table (from STDIN on a server, from a Blob on PGlite). It stays on while COPYs succeed; the first unique violation (an id that exists, e.g. written by
 * a concurrent process) rolls that COPY back, switches the pair to upserts for good, and redoes the batch
 * as an upsert, so outcomes and guarantees are the same as on the upsert path.
 */
export function createBatchWriter(
  executor: SqlExecutor,
  sql: RecordsSql,
  retries: number,
  outbox?: OutboxWriter,
): BatchWriter {
  const modes = new Map<string, LoadMode>()

  async function loadMode(tenant: TenantId, entity: EntityName): Promise<LoadMode> {
    const key = `${tenant}\u0000${entity}`
    let mode = modes.get(key)
    if (mode === undefined) {
      const [row] = await executor.query<{ empty: boolean }>(sql.isEmpty, [tenant, entity])
      mode = row?.empty ? 'copy' : 'upsert'
      modes.set(key, mode)
    }
    return mode
  }

  async function copyInsert(tenant: TenantId, entity: EntityName, changes: BatchChanges) {
    const t = copyField(tenant)
    const e = copyField(entity)
    // Each document is serialised once, when its line is sent, and escaped without a second full pass.
    const lines = (function* () {
      for (const w of changes.upserts) {
        yield `${t}\t${e}\t${copyField(w.id)}\t${w.fingerprint}\t${copyJsonField(JSON.stringify(w.data))}\n`
      }
    })()
    await executor.copyTransaction({ target: sql.copyTarget, chunks: lines }, async (tx) => {
      // After the COPY, in its transaction: on a server the COPY opens it (see copyTransaction), so the
      // batch costs three round trips (BEGIN+COPY, unpark, COMMIT).
      if (changes.unpark.length > 0) await tx.query(sql.unpark, [tenant, entity, changes.unpark])
      // The outbox (push ledger rows of the written records) commits with the COPY or not at all.
      if (outbox) await outbox.track(tx, tenant, entity, outbox.targets(tenant, entity), changes.upserts)
    })
    return new Map(changes.upserts.map((w) => [w.id, 'inserted' as const]))
  }

  async function upsertAndPark(tenant: TenantId, entity: EntityName, changes: BatchChanges) {
    const { upserts, park, unpark } = changes
    const upsertParams = [
      tenant,
      entity,
      JSON.stringify(byId(upserts).map((w) => ({ i: w.id, f: w.fingerprint, d: w.data }))),
      unpark,
    ]
    const effects = new Map<string, WriteEffect>(upserts.map((w) => [w.id, 'unchanged']))
    const record = (rows: { id: string; inserted: boolean; restored: boolean }[]) => {
      for (const row of rows)
        effects.set(row.id, row.inserted ? 'inserted' : row.restored ? 'restored' : 'updated')
    }
    const targets = outbox?.targets(tenant, entity) ?? []
    if (park.length === 0 && targets.length === 0) {
      // One statement is one implicit transaction: atomic without BEGIN/COMMIT round trips.
      if (upserts.length > 0) record(await executor.query(sql.upsert, upsertParams))
      else if (unpark.length > 0) await executor.query(sql.unpark, [tenant, entity, unpark])
      return effects
    }
    await executor.transaction(async (tx) => {
      if (upserts.length > 0) record(await tx.query(sql.upsert, upsertParams))
      else if (unpark.length > 0) await tx.query(sql.unpark, [tenant, entity, unpark])
      // Old references first: a record parked again may wait for other parents now.
      if (outbox && targets.length > 0) {
        const written = upserts.filter((w) => effects.get(w.id) !== 'unchanged')
        await outbox.track(tx, tenant, entity, targets, written)
      }
      if (park.length === 0) return
      await tx.query(sql.clearWaiting, [tenant, entity, park.map((p) => p.id)])
      await tx.query(sql.park, [
        tenant,
        entity,
        JSON.stringify(byId(park).map((p) => ({ i: p.id, f: p.fingerprint, d: p.data, w: p.waitingFor }))),
      ])
    })
    return effects
  }

  async function once(tenant: TenantId, entity: EntityName, changes: BatchChanges) {
    if (
      executor.canCopy &&
      changes.park.length === 0 &&
      changes.upserts.length >= COPY_MIN_ROWS &&
      (await loadMode(tenant, entity)) === 'copy'
    ) {
      try {
        return await copyInsert(tenant, entity, changes)
      } catch (error) {
        if (sqlState(error) !== '23505') throw error
        modes.set(`${tenant}\u0000${entity}`, 'upsert')
      }
    }
    return upsertAndPark(tenant, entity, changes)
  }

  return {
    async apply(tenant, entity, changes) {
      // Checked before any round trip so a bad batch costs nothing; the table's CHECK constraints back it
      // up. NUL and lone surrogates: the COPY path's `json` column would take their escapes while the
      // upsert path refuses them (and a lone surrogate in an id would be stored as U+FFFD); refusing them
      // here gives both paths, and every other Store, the same answer.
      const invalid = invalidWriteIn(entity, changes)
      if (invalid) throw invalid
      if (changes.upserts.length === 0 && changes.park.length === 0 && changes.unpark.length === 0) {
        return new Map()
      }
      for (let attempt = 0; ; attempt++) {
        try {
          return await once(tenant, entity, changes)
        } catch (error) {
          if (attempt >= retries || reasonOf(error) !== 'Conflict') throw error
          await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt + Math.random() * 20))
        }
      }
    },
  }
}

// One global lock order for every writer: code-unit order of ids, the same in every process.
function byId<T extends { readonly id: string }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}
