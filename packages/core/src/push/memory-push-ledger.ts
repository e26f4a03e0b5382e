import { okAsync } from 'neverthrow'
import type { EntityName, TenantId } from '../types/primitives.ts'
import type { PushCounts, PushEntry, PushLedger, PushStatus } from './push-ledger.ts'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** Whether `entry` may be claimed by `worker` at `now` (the rule every ledger implements). */
export function isDue(entry: PushEntry, worker: string, now: number): boolean {
  switch (entry.status) {
    case 'pending':
      return true
    case 'failed':
      return entry.nextAttemptAt !== null && entry.nextAttemptAt.getTime() <= now
    case 'in_progress':
      return entry.claimedBy === worker || (entry.leaseUntil?.getTime() ?? 0) <= now
    case 'synced':
      return false
  }
}

/** A {@link PushLedger} in process memory: tests, demos and single-process hosts. */
export function createMemoryPushLedger(): PushLedger {
  // tenant/target/entity -> record id -> entry
  const tables = new Map<string, Map<string, Mutable<PushEntry>>>()
  const table = (tenant: TenantId, target: string, entity: EntityName) => {
    const key = JSON.stringify([tenant, target, entity])
    const existing = tables.get(key)
    if (existing) return existing
    const created = new Map<string, Mutable<PushEntry>>()
    tables.set(key, created)
    return created
  }
  const copy = (e: PushEntry): PushEntry => ({ ...e })
  const clock = (now?: Date) => now ?? new Date()

  return {
    id: 'memory',

    track(tenant, target, entity, records, options = {}) {
      const t = table(tenant, target, entity)
      const now = clock(options.now)
      const added: string[] = []
      const changed: string[] = []
      const unchanged: string[] = []
      for (const r of records) {
        const e = t.get(r.id)
        if (!e) {
          t.set(r.id, {
            entity,
            recordId: r.id,
            status: 'pending',
            fingerprint: r.fingerprint,
            pushedFingerprint: null,
            targetId: null,
            attempts: 0,
            lastError: null,
            nextAttemptAt: null,
            claimedBy: null,
            leaseUntil: null,
            pushedBy: null,
            pushedAt: null,
            updatedAt: now,
          })
          added.push(r.id)
        } else if (e.fingerprint === r.fingerprint) {
          unchanged.push(r.id)
        } else {
          e.fingerprint = r.fingerprint
          e.updatedAt = now
          if (e.status !== 'in_progress') {
            e.status = e.pushedFingerprint === r.fingerprint ? 'synced' : 'pending'
            e.attempts = 0
            e.nextAttemptAt = null
          }
          changed.push(r.id)
        }
      }
      return okAsync({ added, changed, unchanged })
    },

    claim(tenant, target, entity, request) {
      const t = table(tenant, target, entity)
      const now = clock(request.now)
      const pool = request.ids ? [...new Set(request.ids)].flatMap((id) => t.get(id) ?? []) : [...t.values()]
      const due = pool
        .filter((e) => isDue(e, request.worker, now.getTime()))
        .sort((a, b) => (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0))
        .slice(0, Math.max(0, request.limit))
      for (const e of due) {
        e.status = 'in_progress'
        e.claimedBy = request.worker
        e.leaseUntil = new Date(now.getTime() + request.leaseMs)
        e.updatedAt = now
      }
      return okAsync(due.map(copy))
    },

    complete(tenant, target, entity, worker, outcomes, options = {}) {
      const t = table(tenant, target, entity)
      const now = clock(options.now)
      const applied: string[] = []
      const lost: string[] = []
      for (const o of outcomes) {
        const e = t.get(o.id)
        if (!e || e.status !== 'in_progress' || e.claimedBy !== worker) {
          lost.push(o.id)
          continue
        }
        const current = e.fingerprint === o.fingerprint
        if (o.result === 'synced') {
          e.pushedFingerprint = o.fingerprint
          e.targetId = o.targetId
          e.pushedBy = o.pushedBy ?? worker
          e.pushedAt = now
          e.attempts = 0
          e.nextAttemptAt = null
          e.status = current ? 'synced' : 'pending'
        } else {
          if (o.targetId !== undefined) e.targetId = o.targetId
          e.lastError = o.error
          if (current) {
            e.attempts += 1
            e.nextAttemptAt = o.retryAt
            e.status = 'failed'
          } else {
            e.attempts = 0
            e.nextAttemptAt = null
            e.status = 'pending'
          }
        }
        e.claimedBy = null
        e.leaseUntil = null
        e.updatedAt = now
        applied.push(o.id)
      }
      return okAsync({ applied, lost })
    },

    release(tenant, target, entity, worker, ids) {
      const t = table(tenant, target, entity)
      for (const id of ids) {
        const e = t.get(id)
        if (!e || e.status !== 'in_progress' || e.claimedBy !== worker) continue
        e.status = e.pushedFingerprint === e.fingerprint ? 'synced' : 'pending'
        e.claimedBy = null
        e.leaseUntil = null
        e.updatedAt = new Date()
      }
      return okAsync(undefined)
    },

    read(tenant, target, entity, ids) {
      const t = table(tenant, target, entity)
      const out = new Map<string, PushEntry>()
      for (const id of ids) {
        const e = t.get(id)
        if (e) out.set(id, copy(e))
      }
      return okAsync(out)
    },

    list(tenant, target, entity, options = {}) {
      const t = table(tenant, target, entity)
      const limit = options.limit ?? 100
      const rows = [...t.values()]
        .filter((e) => (options.status ? e.status === options.status : true))
        .filter((e) => (options.deadLetters ? e.status === 'failed' && e.nextAttemptAt === null : true))
        .filter((e) => (options.after !== undefined ? e.recordId > options.after : true))
        .sort((a, b) => (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0))
        .slice(0, limit)
      return okAsync(rows.map(copy))
    },

    counts(tenant, target, entities) {
      const out = new Map<EntityName, PushCounts>()
      const prefix = JSON.stringify([tenant, target]).slice(0, -1)
      for (const [key, t] of tables) {
        if (!key.startsWith(`${prefix},`)) continue
        const entity = (JSON.parse(key) as string[])[2] as string
        if (entities && !entities.includes(entity)) continue
        if (t.size === 0) continue
        const c: Record<PushStatus, number> = { pending: 0, in_progress: 0, synced: 0, failed: 0 }
        for (const e of t.values()) c[e.status]++
        out.set(entity, c)
      }
      for (const entity of entities ?? []) {
        if (!out.has(entity)) out.set(entity, { pending: 0, in_progress: 0, synced: 0, failed: 0 })
      }
      return okAsync(out)
    },

    retry(tenant, target, entity, ids) {
      const t = table(tenant, target, entity)
      const now = new Date()
      let n = 0
      const pool = ids ? ids.flatMap((id) => t.get(id) ?? []) : [...t.values()]
      for (const e of pool) {
        if (e.status !== 'failed') continue
        e.status = 'pending'
        e.attempts = 0
        e.nextAttemptAt = null
        e.updatedAt = now
        n++
      }
      return okAsync(n)
    },
  }
}
