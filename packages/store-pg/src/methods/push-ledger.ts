import type { PushCounts, PushEntry, PushLedger, PushStatus } from '@edusync/core'
import type { pushLedgerSql } from '../sql/push-ledger-sql.ts'
import type { Op } from './op.ts'
import { unique } from './op.ts'

interface EntryRow {
  entity: string
  record_id: string
  status: PushStatus
  fingerprint: string
  pushed_fingerprint: string | null
  target_id: string | null
  attempts: number
  last_error: string | null
  next_attempt_at: Date | null
  claimed_by: string | null
  lease_until: Date | null
  pushed_by: string | null
  pushed_at: Date | null
  updated_at: Date
}

const toEntry = (r: EntryRow): PushEntry => ({
  entity: r.entity,
  recordId: r.record_id,
  status: r.status,
  fingerprint: r.fingerprint,
  pushedFingerprint: r.pushed_fingerprint,
  targetId: r.target_id,
  attempts: Number(r.attempts),
  lastError: r.last_error,
  nextAttemptAt: r.next_attempt_at,
  claimedBy: r.claimed_by,
  leaseUntil: r.lease_until,
  pushedBy: r.pushed_by,
  pushedAt: r.pushed_at,
  updatedAt: r.updated_at,
})

const byId = (a: PushEntry, b: PushEntry) => (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0)

/** @internal The Postgres {@link PushLedger}, sharing the pg Store's executor. */
export function pgPushLedger(op: Op, sql: ReturnType<typeof pushLedgerSql>): PushLedger {
  return {
    id: 'pg',

    track(tenant, target, entity, records, options = {}) {
      return op('pushLedger.track', async (x) => {
        // The last fingerprint of an id given twice wins (an upsert cannot touch a row twice).
        const latest = new Map(records.map((r) => [r.id, r.fingerprint]))
        const added: string[] = []
        const changed: string[] = []
        const unchanged: string[] = []
        if (latest.size === 0) return { added, changed, unchanged }
        const rows = await x.query<{ record_id: string; added: boolean; changed: boolean }>(sql.track, [
          tenant,
          target,
          entity,
          [...latest.keys()],
          [...latest.values()],
          options.now ?? null,
        ])
        const effect = new Map(rows.map((r) => [r.record_id, r]))
        for (const id of latest.keys()) {
          const r = effect.get(id)
          if (r?.added) added.push(id)
          else if (r?.changed) changed.push(id)
          else unchanged.push(id)
        }
        return { added, changed, unchanged }
      })
    },

    claim(tenant, target, entity, request) {
      return op('pushLedger.claim', async (x) => {
        if (request.limit <= 0 || request.ids?.length === 0) return []
        const rows = await x.query<EntryRow>(sql.claim, [
          tenant,
          target,
          entity,
          request.worker,
          Math.floor(request.limit),
          Math.round(request.leaseMs),
          request.ids ? unique(request.ids) : null,
          request.now ?? null,
        ])
        return rows.map(toEntry).sort(byId)
      })
    },

    complete(tenant, target, entity, worker, outcomes, options = {}) {
      return op('pushLedger.complete', async (x) => {
        const last = new Map(outcomes.map((o) => [o.id, o]))
        if (last.size === 0) return { applied: [], lost: [] }
        const list = [...last.values()]
        const rows = await x.query<{ record_id: string }>(sql.complete, [
          tenant,
          target,
          entity,
          worker,
          list.map((o) => o.id),
          list.map((o) => o.result),
          list.map((o) => o.fingerprint),
          list.map((o) => o.targetId ?? null),
          list.map((o) => (o.result === 'failed' ? o.error : null)),
          list.map((o) => (o.result === 'failed' ? o.retryAt : null)),
          list.map((o) => (o.result === 'synced' ? (o.pushedBy ?? null) : null)),
          options.now ?? null,
        ])
        const done = new Set(rows.map((r) => r.record_id))
        return {
          applied: list.filter((o) => done.has(o.id)).map((o) => o.id),
          lost: list.filter((o) => !done.has(o.id)).map((o) => o.id),
        }
      })
    },

    release(tenant, target, entity, worker, ids) {
      return op('pushLedger.release', async (x) => {
        if (ids.length === 0) return
        await x.query(sql.release, [tenant, target, entity, worker, unique(ids)])
      })
    },

    read(tenant, target, entity, ids) {
      return op('pushLedger.read', async (x) => {
        if (ids.length === 0) return new Map()
        const rows = await x.query<EntryRow>(sql.read, [tenant, target, entity, unique(ids)])
        return new Map(rows.map((r) => [r.record_id, toEntry(r)]))
      })
    },

    list(tenant, target, entity, options = {}) {
      return op('pushLedger.list', async (x) => {
        const rows = await x.query<EntryRow>(sql.list, [
          tenant,
          target,
          entity,
          options.status ?? null,
          options.after ?? null,
          options.limit ?? 100,
          options.deadLetters ?? false,
        ])
        return rows.map(toEntry)
      })
    },

    counts(tenant, target, entities) {
      return op('pushLedger.counts', async (x) => {
        const rows = await x.query<{ entity: string; status: PushStatus; n: number }>(sql.counts, [
          tenant,
          target,
          entities ? unique(entities) : null,
        ])
        const out = new Map<string, Record<PushStatus, number>>()
        const zero = () => ({ pending: 0, in_progress: 0, synced: 0, failed: 0 })
        for (const entity of entities ?? []) out.set(entity, zero())
        for (const r of rows) {
          const c = out.get(r.entity) ?? zero()
          c[r.status] = Number(r.n)
          out.set(r.entity, c)
        }
        return out as Map<string, PushCounts>
      })
    },

    retry(tenant, target, entity, ids) {
      return op('pushLedger.retry', async (x) => {
        const rows = await x.query<{ n: number }>(`${sql.retry} RETURNING 1 AS n`, [
          tenant,
          target,
          entity,
          ids ? unique(ids) : null,
        ])
        return rows.length
      })
    },
  }
}
