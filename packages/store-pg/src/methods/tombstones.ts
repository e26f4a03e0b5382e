import { randomUUID } from 'node:crypto'
import type { DeleteEffect, DeleteWrite, EntityName, Store, StoredRecord } from '@edusync/core'
import { deletedFingerprint, StoreError, unsafeTextInDelete } from '@edusync/core'
import type { SqlSession } from '../executor/executor.ts'
import type { OutboxWriter } from '../outbox.ts'
import type { RecordsSql } from '../sql/records-sql.ts'
import type { QuarantineRow, TombstoneRow, tombstonesSql } from '../sql/tombstones-sql.ts'
import { toQuarantined, toTombstone } from '../sql/tombstones-sql.ts'
import { reasonOf } from '../to-store-error.ts'
import type { Op } from './op.ts'
import { unique } from './op.ts'

type TombstoneMethods = Pick<
  Store,
  | 'readRecords'
  | 'applyDeletes'
  | 'readTombstones'
  | 'listTombstones'
  | 'listRecordIds'
  | 'findReferencing'
  | 'quarantineDeletes'
  | 'listQuarantine'
  | 'getQuarantine'
  | 'discardQuarantine'
>

const key = (entity: string, id: string) => `${entity}\u0000${id}`

/** @internal The delete and tombstone methods of the pg Store (issue 20), and `readRecords`. */
export function tombstoneMethods(
  op: Op,
  sql: ReturnType<typeof tombstonesSql>,
  records: RecordsSql,
  retries: number,
  outbox?: OutboxWriter,
): TombstoneMethods {
  return {
    readRecords(tenant, entity, ids, options = {}) {
      return op('readRecords', async (x) => {
        if (ids.length === 0) return new Map()
        const rows = await x.query<{
          id: string
          fingerprint: string
          data: Record<string, unknown>
          updated_at: Date
          deleted_at?: Date | null
        }>(options.includeDeleted ? records.readRecordsWithDeleted : records.readRecords, [
          tenant,
          entity,
          unique(ids),
        ])
        return new Map<string, StoredRecord>(
          rows.map((r) => {
            const record = { id: r.id, fingerprint: r.fingerprint, data: r.data, updatedAt: r.updated_at }
            return [r.id, r.deleted_at ? { ...record, deletedAt: r.deleted_at } : record]
          }),
        )
      })
    },

    applyDeletes(tenant, deletes, options = {}) {
      return op('applyDeletes', async (x) => {
        deletes.forEach(validate)
        const approve = options.approveQuarantine
        if (deletes.length === 0 && approve === undefined) return []
        const body = JSON.stringify(
          [...deletes]
            .sort((a, b) => compare(a.entity, b.entity) || compare(a.id, b.id))
            .map((d) => ({ e: d.entity, i: d.id, s: d.source, r: d.reason })),
        )
        const params = [tenant, body]
        const write = (tx: SqlSession) => applyIn(tx, params, tenant, approve)
        for (let attempt = 0; ; attempt++) {
          try {
            const deleted = await x.transaction(write)
            return deletes.map((d): DeleteEffect => deleted.get(key(d.entity, d.id)) ?? 'missing')
          } catch (error) {
            // Deadlocks between overlapping deletes and upserts are retried like the batch writer's.
            if (attempt >= retries || reasonOf(error) !== 'Conflict') throw error
            await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt + Math.random() * 20))
          }
        }
      })
    },

    readTombstones(tenant, entity, ids) {
      return op('readTombstones', async (x) => {
        if (ids.length === 0) return new Map()
        const rows = await x.query<TombstoneRow>(sql.read, [tenant, entity, unique(ids)])
        return new Map(rows.map((r) => [r.id, toTombstone(r)]))
      })
    },

    listTombstones(tenant, options = {}) {
      return op('listTombstones', async (x) => {
        const rows = await x.query<TombstoneRow>(sql.list, [
          tenant,
          options.entity ?? null,
          options.since ?? null,
          options.limit ?? 1000,
        ])
        return rows.map(toTombstone)
      })
    },

    listRecordIds(tenant, entity, options = {}) {
      return op('listRecordIds', async (x) => {
        const rows = await x.query<{ id: string }>(sql.listIds, [
          tenant,
          entity,
          options.afterId ?? null,
          options.limit ?? 10_000,
        ])
        return rows.map((r) => r.id)
      })
    },

    findReferencing(tenant, queries) {
      return op('findReferencing', async (x) => {
        const asked = queries.filter((q) => q.ids.length > 0)
        if (asked.length === 0) return []
        const rows = await x.query<{ entity: EntityName; id: string; field: string; references: string }>(
          sql.referencing(asked.length),
          [tenant, ...asked.flatMap((q) => [q.entity, q.field, unique(q.ids)])],
        )
        return rows.map((r) => ({ entity: r.entity, id: r.id, field: r.field, references: r.references }))
      })
    },

    quarantineDeletes(tenant, wave) {
      return op('quarantineDeletes', async (x) => {
        const unsafe = unsafeTextInDelete(wave, 'quarantineDeletes: wave')
        if (unsafe) throw unsafe
        const [row] = await x.query<QuarantineRow>(sql.quarantine, [
          tenant,
          randomUUID(),
          wave.entity,
          JSON.stringify(wave.ids),
          wave.source,
          wave.reason,
          wave.guardReason,
          JSON.stringify(wave.planned),
        ])
        if (!row) throw new StoreError('Corrupt', 'quarantineDeletes: the insert returned no row')
        return toQuarantined(row)
      })
    },

    listQuarantine(tenant, options = {}) {
      return op('listQuarantine', async (x) => {
        const rows = await x.query<QuarantineRow>(sql.listQuarantine, [
          tenant,
          options.status ?? null,
          options.limit ?? 100,
        ])
        return rows.map(toQuarantined)
      })
    },

    getQuarantine(tenant, id) {
      return op('getQuarantine', async (x) => {
        const [row] = await x.query<QuarantineRow>(sql.getQuarantine, [tenant, id])
        return row ? toQuarantined(row) : null
      })
    },

    discardQuarantine(tenant, id) {
      return op('discardQuarantine', (x) =>
        x.transaction(async (tx) => {
          const [row] = await tx.query<QuarantineRow>(sql.resolveQuarantine, [tenant, id, 'discarded'])
          if (!row) throw await notPending(tx, tenant, id)
          return toQuarantined(row)
        }),
      )
    },
  }

  // One transaction: approve the wave (if any), tombstone live rows, then parked-only ids, drop parked
  // versions, and classify what was a tombstone already. Returns the effect of each id that is not missing.
  async function applyIn(tx: SqlSession, params: unknown[], tenant: string, approve: string | undefined) {
    if (approve !== undefined) {
      const [row] = await tx.query(sql.resolveQuarantine, [tenant, approve, 'approved'])
      if (!row) throw await notPending(tx, tenant, approve)
    }
    const effects = new Map<string, DeleteEffect>()
    for (const r of await tx.query<{ entity: string; id: string }>(sql.tombstoneLive, params)) {
      effects.set(key(r.entity, r.id), 'deleted')
    }
    for (const r of await tx.query<{ entity: string; id: string }>(sql.tombstoneParked, params)) {
      effects.set(key(r.entity, r.id), 'deleted')
    }
    await tx.query(sql.unparkDeleted, params)
    for (const r of await tx.query<{ entity: string; id: string }>(sql.tombstoned, params)) {
      const k = key(r.entity, r.id)
      if (!effects.has(k)) effects.set(k, 'already_deleted')
    }
    if (outbox) await trackDeletes(tx, tenant, effects)
    return effects
  }

  // The push ledger learns of each delete in the delete's own transaction (see PushOutbox).
  async function trackDeletes(tx: SqlSession, tenant: string, effects: ReadonlyMap<string, DeleteEffect>) {
    if (!outbox) return
    const byEntity = new Map<string, string[]>()
    for (const [k, effect] of effects) {
      if (effect !== 'deleted') continue
      const [entity = '', id = ''] = k.split('\u0000')
      const targets = outbox.targets(tenant, entity)
      if (targets.length === 0) continue
      byEntity.set(entity, [...(byEntity.get(entity) ?? []), id])
    }
    for (const [entity, ids] of byEntity) {
      const rows = await tx.query<{ id: string; fingerprint: string }>(outbox.tombstoneFingerprints, [
        tenant,
        entity,
        ids,
      ])
      const records = rows.map((r) => ({ id: r.id, fingerprint: deletedFingerprint(r.fingerprint) }))
      await outbox.track(tx, tenant, entity, outbox.targets(tenant, entity), records)
    }
  }

  async function notPending(tx: SqlSession, tenant: string, id: string): Promise<StoreError> {
    const [row] = await tx.query<QuarantineRow>(sql.getQuarantine, [tenant, id])
    return new StoreError(
      'Invalid',
      `quarantined deletion ${id} is ${row ? row.status : 'unknown'}, not pending`,
    )
  }
}

function validate(d: DeleteWrite, index: number): void {
  const unsafe = unsafeTextInDelete(d, `applyDeletes: deletes[${index}]`)
  if (unsafe) throw unsafe
  for (const field of ['entity', 'id', 'source', 'reason'] as const) {
    const value: unknown = d[field]
    if (typeof value !== 'string' || value === '') {
      throw new StoreError(
        'Invalid',
        `applyDeletes: deletes[${index}].${field} must be a non-empty string, received ${JSON.stringify(value) ?? String(value)}`,
      )
    }
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
