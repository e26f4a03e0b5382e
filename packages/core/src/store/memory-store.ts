import { randomUUID } from 'node:crypto'
import type { ResultAsync } from 'neverthrow'
import { errAsync, okAsync } from 'neverthrow'
import { StoreError } from '../errors/store-error.ts'
import { CheckedWrite } from '../parse/checked-text.ts'
import type { PushLedger } from '../push/push-ledger.ts'
import type { PushOutbox } from '../push/push-outbox.ts'
import { deletedFingerprint } from '../push/push-outbox.ts'
import { emptyCounts } from '../sync/outcome.ts'
import type { EntityName, TenantId } from '../types/primitives.ts'
import { invalidWriteIn } from './batch-check.ts'
import type { StudentEmailMatch } from './class-enrollments.ts'
import { CLASS_ENROLLMENTS_PAGE, normaliseEmail } from './class-enrollments.ts'
import type { IdempotencyGroupClaim, IdempotencyGroups } from './idempotency-groups.ts'
import { repeatedKey } from './idempotency-groups.ts'
import type {
  BatchChanges,
  IdempotencyClaim,
  IdempotencyHolder,
  IdempotencyStep,
  InboundEvent,
  Link,
  OutcomeCounts,
  ParkedRecord,
  Store,
  StoredRecord,
  StoredResponse,
  SyncRun,
  WriteEffect,
} from './store.ts'
import type { DeleteEffect, QuarantinedDeletion, Tombstone } from './tombstones.ts'
import { unsafeTextInDelete, unsafeTextInEvent } from './write-text.ts'

interface IdempotencyRow {
  requestFingerprint: string
  state: 'in_progress' | 'completed'
  /** The fencing token of the claim that last took the key. */
  token: string
  expiresAt: number
  response: StoredResponse | null
  ttlMs: number
}

// Written data is kept without copying: `applyBatch` takes ownership of the objects it is given (see
// BatchChanges). A write the engine built from a parsed record carries that record as the JSON text its
// fingerprint hashed (CheckedWrite.json); the row then keeps only that string, not the record's few dozen
// objects, which every garbage collection would otherwise have to copy and mark again (with 100,000
// records stored, marking them is a large part of a pass's GC time). Reads hand out fresh copies either
// way: a parse of the text, or a deep copy of the object.
interface StoredRow {
  readonly fingerprint: string
  /** The data without its id as JSON text, when it was written so: then the source of truth. */
  readonly json?: string
  /**
   * The data as an object: the one written (owned), or a parse of `json` kept by a scan that read fields
   * of this row (see `fieldsOf`). Never handed out.
   */
  data?: Readonly<Record<string, unknown>>
  readonly updatedAt: Date
  /** Present on tombstones only. */
  readonly deleted?: { readonly at: Date; readonly source: string; readonly reason: string }
}

// The row's data, parsed from its text when it has one.
function parseRow(id: string, json: string): Record<string, unknown> {
  const data = JSON.parse(json) as Record<string, unknown>
  data.id = id
  return data
}

/** A fresh copy of a row's data, the caller's to keep and mutate. */
function dataOf(id: string, row: StoredRow): Record<string, unknown> {
  return row.json !== undefined
    ? parseRow(id, row.json)
    : structuredClone(row.data as Readonly<Record<string, unknown>>)
}

/**
 * A row's data for reading fields inside the Store (never handed out): a scan over many rows parses each
 * text-kept row once and keeps the parse, so the next scan reads fields as cheaply as before.
 */
function fieldsOf(id: string, row: StoredRow): Readonly<Record<string, unknown>> {
  if (row.data === undefined) row.data = parseRow(id, row.json as string)
  return row.data
}

interface TenantState {
  records: Map<EntityName, Map<string, StoredRow>>
  parked: Map<string, ParkedRecord>
  links: Map<string, Link>
  idempotency: Map<string, IdempotencyRow>
  runs: Map<string, SyncRun>
  events: Map<string, InboundEvent>
  quarantine: Map<string, QuarantinedDeletion>
}

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Clock used for `updatedAt`/`parkedAt` and run times. @default () => new Date() */
  readonly now?: () => Date
  /**
   * Records every change in a push ledger in the same (synchronous, hence atomic) write: see
   * {@link PushOutbox}. The ledger must be a {@link createMemoryPushLedger} one, whose `track` applies
   * before it returns. Absent: nothing is tracked.
   */
  readonly outbox?: PushOutbox & { readonly ledger: PushLedger }
}

/**
 * A Store that keeps everything in this process's memory: for tests, demos and single-process hosts
 * that can afford to lose state on restart. Every method is atomic because it completes synchronously
 * before its result is returned. Written data is kept without copying (the Store owns it, see
 * {@link BatchChanges}); a record the engine parsed is kept as the JSON text its fingerprint hashed, so
 * it reads back as that JSON (keys in code-unit order, `-0` as `0`, as from PostgreSQL). Everything read
 * is a fresh copy, so readers cannot mutate stored state.
 *
 * @example
 * ```ts
 * const engine = createSyncEngine({ store: createMemoryStore() })
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store & IdempotencyGroups {
  const now = options.now ?? (() => new Date())
  const tenants = new Map<TenantId, TenantState>()
  let closed = false

  function state(tenant: TenantId): TenantState {
    let s = tenants.get(tenant)
    if (!s) {
      s = {
        records: new Map(),
        parked: new Map(),
        links: new Map(),
        idempotency: new Map(),
        runs: new Map(),
        events: new Map(),
        quarantine: new Map(),
      }
      tenants.set(tenant, s)
    }
    return s
  }
  // The row of a claim that is still in progress under the holder's token (the fencing check).
  function held(tenant: TenantId, holder: IdempotencyHolder): IdempotencyRow | undefined {
    const row = state(tenant).idempotency.get(holder.key)
    return row?.state === 'in_progress' && row.token === holder.token ? row : undefined
  }

  function claimOne(
    tenant: TenantId,
    request: IdempotencyGroupClaim,
    when: Date | undefined,
  ): IdempotencyClaim {
    const s = state(tenant)
    const at = (when ?? now()).getTime()
    const row = s.idempotency.get(request.key)
    if (row && row.expiresAt > at) {
      if (row.requestFingerprint !== request.requestFingerprint) return { status: 'mismatch' }
      if (row.state === 'completed' && row.response)
        return { status: 'completed', response: structuredClone(row.response) }
      return { status: 'in_progress', expiresInMs: row.expiresAt - at }
    }
    const claimed: IdempotencyRow = {
      requestFingerprint: request.requestFingerprint,
      state: 'in_progress',
      token: randomUUID(),
      expiresAt: at + request.leaseMs,
      response: null,
      ttlMs: request.ttlMs,
    }
    s.idempotency.set(request.key, claimed)
    return { status: 'claimed', token: claimed.token, expiresAt: new Date(claimed.expiresAt) }
  }

  // `response` is the caller's copy already (the Store keeps it as it is).
  function completeOne(
    tenant: TenantId,
    holder: IdempotencyHolder,
    response: StoredResponse,
    when: Date | undefined,
  ): IdempotencyStep<'completed'> {
    const row = held(tenant, holder)
    if (!row) return 'lost'
    row.state = 'completed'
    row.response = response
    row.expiresAt = (when ?? now()).getTime() + row.ttlMs
    return 'completed'
  }

  function refuseRepeatedKeys(keys: readonly string[], operation: string): void {
    const repeated = repeatedKey(keys)
    if (repeated !== undefined) {
      throw new StoreError('Invalid', `${operation}: key ${JSON.stringify(repeated)} is given more than once`)
    }
  }

  function table(tenant: TenantId, entity: EntityName): Map<string, StoredRow> {
    const s = state(tenant)
    let t = s.records.get(entity)
    if (!t) {
      t = new Map()
      s.records.set(entity, t)
    }
    return t
  }

  // The memory ledger applies `track` before returning, so this runs inside the caller's atomic section.
  function trackOutbox(
    tenant: TenantId,
    entity: EntityName,
    records: readonly { readonly id: string; readonly fingerprint: string }[],
  ): void {
    if (!options.outbox || records.length === 0) return
    for (const target of options.outbox.targets(tenant, entity)) {
      void options.outbox.ledger.track(tenant, target, entity, records, { now: now() })
    }
  }

  // Runs a synchronous operation as a ResultAsync, turning a closed store or a thrown StoreError into err.
  function run<T>(operation: () => T): ResultAsync<T, StoreError> {
    if (closed) return errAsync(new StoreError('Unavailable', 'memory store is closed'))
    try {
      return okAsync(operation())
    } catch (error) {
      if (error instanceof StoreError) return errAsync(error)
      return errAsync(new StoreError('Corrupt', 'memory store failed unexpectedly', { cause: error }))
    }
  }

  const parkedKey = (entity: EntityName, id: string) => `${entity}\u0000${id}`
  const linkKey = (l: { entity: string; id: string; system: string }) =>
    `${l.entity}\u0000${l.id}\u0000${l.system}`

  return {
    id: 'memory',
    capabilities: { multiProcess: false },

    readFingerprints(tenant, entity, ids) {
      return run(() => {
        const t = table(tenant, entity)
        const out = new Map<string, string>()
        for (const id of ids) {
          const row = t.get(id)
          if (row && !row.deleted) out.set(id, row.fingerprint)
        }
        return out
      })
    },

    readRecords(tenant, entity, ids, opts = {}) {
      return run(() => {
        const t = table(tenant, entity)
        const out = new Map<string, StoredRecord>()
        for (const id of ids) {
          const row = t.get(id)
          if (!row || (row.deleted && !opts.includeDeleted)) continue
          const record: StoredRecord = {
            id,
            fingerprint: row.fingerprint,
            data: dataOf(id, row),
            updatedAt: new Date(row.updatedAt),
          }
          out.set(id, row.deleted ? { ...record, deletedAt: new Date(row.deleted.at) } : record)
        }
        return out
      })
    },

    existingIds(tenant, refs) {
      return run(() => {
        const out = new Map<EntityName, Set<string>>()
        for (const ref of refs) {
          const t = table(tenant, ref.entity)
          const found = out.get(ref.entity) ?? new Set<string>()
          for (const id of ref.ids) {
            const row = t.get(id)
            if (row && !row.deleted) found.add(id)
          }
          out.set(ref.entity, found)
        }
        return out
      })
    },

    applyBatch(tenant, entity, changes: BatchChanges) {
      return run(() => {
        // Refused here as PostgreSQL refuses it, so every Store accepts the same data.
        const invalid = invalidWriteIn(entity, changes)
        if (invalid) throw invalid
        // Validation is complete, so nothing below can fail half-way: the batch is atomic.
        const t = table(tenant, entity)
        const s = state(tenant)
        const at = now()
        const effects = new Map<string, WriteEffect>()
        for (const write of changes.upserts) {
          const existing = t.get(write.id)
          if (existing && !existing.deleted && existing.fingerprint === write.fingerprint) {
            effects.set(write.id, 'unchanged')
            continue
          }
          t.set(
            write.id,
            write instanceof CheckedWrite && write.json !== undefined
              ? { fingerprint: write.fingerprint, json: write.json, updatedAt: at }
              : { fingerprint: write.fingerprint, data: write.data, updatedAt: at },
          )
          effects.set(write.id, existing ? (existing.deleted ? 'restored' : 'updated') : 'inserted')
        }
        if (options.outbox) {
          const changed = changes.upserts.filter((w) => effects.get(w.id) !== 'unchanged')
          trackOutbox(tenant, entity, changed)
        }
        // Nothing is parked on most writes: no key to build per record then.
        if (s.parked.size > 0) for (const id of changes.unpark) s.parked.delete(parkedKey(entity, id))
        for (const park of changes.park) {
          const key = parkedKey(entity, park.id)
          const previous = s.parked.get(key)
          s.parked.set(key, {
            entity,
            id: park.id,
            fingerprint: park.fingerprint,
            data: structuredClone(park.data),
            waitingFor: structuredClone(park.waitingFor),
            parkedAt: previous?.parkedAt ?? at,
            updatedAt: at,
          })
        }
        return effects
      })
    },

    countRecords(tenant, entity) {
      return run(() => {
        let live = 0
        for (const row of table(tenant, entity).values()) if (!row.deleted) live++
        return live
      })
    },

    parkedWaitingFor(tenant, entity, ids) {
      return run(() => {
        const out: ParkedRecord[] = []
        const { parked: all } = state(tenant)
        // Every batch asks after its write; with nothing parked there is nothing to look for.
        if (all.size === 0) return out
        const wanted = new Set(ids)
        for (const parked of all.values()) {
          if (parked.waitingFor.some((ref) => ref.entity === entity && wanted.has(ref.id))) {
            out.push(structuredClone(parked))
          }
        }
        return out
      })
    },

    listParked(tenant, opts = {}) {
      return run(() =>
        [...state(tenant).parked.values()]
          .filter((p) => opts.entity === undefined || p.entity === opts.entity)
          .sort((a, b) => a.parkedAt.getTime() - b.parkedAt.getTime() || a.id.localeCompare(b.id))
          .slice(0, opts.limit ?? Number.POSITIVE_INFINITY)
          .map((p) => structuredClone(p)),
      )
    },

    purgeParked(tenant, opts) {
      return run(() => {
        const s = state(tenant)
        let deleted = 0
        for (const [key, parked] of s.parked) {
          if (opts.entity !== undefined && parked.entity !== opts.entity) continue
          if (parked.parkedAt.getTime() < opts.olderThan.getTime()) {
            s.parked.delete(key)
            deleted++
          }
        }
        return deleted
      })
    },

    upsertLinks(tenant, links) {
      return run(() => {
        const s = state(tenant)
        for (const link of links) {
          for (const [key, existing] of s.links) {
            if (
              existing.system === link.system &&
              existing.entity === link.entity &&
              existing.externalId === link.externalId &&
              existing.id !== link.id
            ) {
              s.links.delete(key)
            }
          }
          s.links.set(linkKey(link), { ...link })
        }
      })
    },

    readLinks(tenant, entity, ids) {
      return run(() => {
        const wanted = new Set(ids)
        const out = new Map<string, Link[]>()
        for (const link of state(tenant).links.values()) {
          if (link.entity !== entity || !wanted.has(link.id)) continue
          const list = out.get(link.id) ?? []
          list.push({ ...link })
          out.set(link.id, list)
        }
        for (const list of out.values()) list.sort((a, b) => a.system.localeCompare(b.system))
        return out
      })
    },

    findByExternalIds(tenant, system, entity, externalIds) {
      return run(() => {
        const wanted = new Set(externalIds)
        const out = new Map<string, string>()
        for (const link of state(tenant).links.values()) {
          if (link.system === system && link.entity === entity && wanted.has(link.externalId)) {
            out.set(link.externalId, link.id)
          }
        }
        return out
      })
    },

    claimIdempotencyKey(tenant, request) {
      return run(() => claimOne(tenant, request, request.now))
    },

    claimIdempotencyKeys(tenant, requests, opts = {}) {
      return run(() => {
        refuseRepeatedKeys(
          requests.map((r) => r.key),
          'claimIdempotencyKeys',
        )
        return requests.map((request) => claimOne(tenant, request, opts.now))
      })
    },

    renewIdempotencyKey(tenant, holder, opts) {
      return run(() => {
        const row = held(tenant, holder)
        if (!row) return 'lost' as const
        row.expiresAt = (opts.now ?? now()).getTime() + opts.leaseMs
        return 'renewed' as const
      })
    },

    completeIdempotencyKey(tenant, holder, response, opts = {}) {
      return run(() => completeOne(tenant, holder, structuredClone(response), opts.now))
    },

    completeIdempotencyKeys(tenant, completions, opts = {}) {
      return run(() => {
        refuseRepeatedKeys(
          completions.map((c) => c.holder.key),
          'completeIdempotencyKeys',
        )
        // Copied first: a response that cannot be cloned fails the call before any key is completed.
        const responses = completions.map((c) => structuredClone(c.response))
        return completions.map((c, i) =>
          completeOne(tenant, c.holder, responses[i] as StoredResponse, opts.now),
        )
      })
    },

    releaseIdempotencyKey(tenant, holder) {
      return run(() => {
        if (!held(tenant, holder)) return 'lost' as const
        state(tenant).idempotency.delete(holder.key)
        return 'released' as const
      })
    },

    appendEvents(tenant, events) {
      return run(() => {
        const s = state(tenant)
        const at = now()
        const appended: string[] = []
        const duplicates: string[] = []
        for (const [index, event] of events.entries()) {
          if (!event.source || !event.eventId)
            throw new StoreError('Invalid', 'an event needs a source and an eventId')
          const unsafe = unsafeTextInEvent(event, index)
          if (unsafe) throw unsafe
        }
        for (const event of events) {
          const key = `${event.source}\u0000${event.eventId}`
          if (s.events.has(key)) {
            duplicates.push(event.eventId)
            continue
          }
          s.events.set(key, {
            source: event.source,
            eventId: event.eventId,
            type: event.type,
            payload: structuredClone(event.payload),
            receivedAt: at,
            handledAt: null,
          })
          appended.push(event.eventId)
        }
        return { appended, duplicates }
      })
    },

    listEvents(tenant, opts = {}) {
      return run(() => {
        let events = [...state(tenant).events.values()]
        if (opts.afterEventId !== undefined) {
          // Insertion order is inbox order: continue after the given event's position.
          const at = events.findIndex((e) => e.source === opts.source && e.eventId === opts.afterEventId)
          if (opts.source === undefined || at < 0) {
            throw new StoreError(
              'Invalid',
              `listEvents: afterEventId ${JSON.stringify(opts.afterEventId)} is not an event of source ${JSON.stringify(opts.source)}`,
            )
          }
          events = events.slice(at + 1)
        }
        return events
          .filter(
            (e) =>
              (opts.source === undefined || e.source === opts.source) &&
              (opts.type === undefined || e.type === opts.type) &&
              (opts.handled === undefined || (e.handledAt !== null) === opts.handled),
          )
          .slice(0, opts.limit ?? 100)
          .map((e) => structuredClone(e))
      })
    },

    markEventsHandled(tenant, source, eventIds) {
      return run(() => {
        const s = state(tenant)
        const at = now()
        let changed = 0
        for (const eventId of eventIds) {
          const key = `${source}\u0000${eventId}`
          const event = s.events.get(key)
          if (event && event.handledAt === null) {
            s.events.set(key, { ...event, handledAt: at })
            changed++
          }
        }
        return changed
      })
    },

    // ---- deletes and tombstones -------------------------------------------------------------------

    applyDeletes(tenant, deletes, opts = {}) {
      return run(() => {
        for (const [i, d] of deletes.entries()) {
          const unsafe = unsafeTextInDelete(d, `applyDeletes: deletes[${i}]`)
          if (unsafe) throw unsafe
          for (const field of ['entity', 'id', 'source', 'reason'] as const) {
            if (typeof d[field] !== 'string' || d[field] === '') {
              throw new StoreError(
                'Invalid',
                `applyDeletes: deletes[${i}].${field} must be a non-empty string, received ${JSON.stringify(d[field])}`,
              )
            }
          }
        }
        const s = state(tenant)
        const wave =
          opts.approveQuarantine === undefined ? undefined : s.quarantine.get(opts.approveQuarantine)
        if (opts.approveQuarantine !== undefined && wave?.status !== 'pending') {
          throw new StoreError(
            'Invalid',
            `quarantined deletion ${opts.approveQuarantine} is ${wave ? wave.status : 'unknown'}, not pending`,
          )
        }
        // Validation is complete: nothing below throws, so the call is atomic.
        const at = now()
        if (wave) s.quarantine.set(wave.id, { ...wave, status: 'approved', resolvedAt: at })
        const effects = deletes.map((d): DeleteEffect => {
          const t = table(tenant, d.entity)
          const row = t.get(d.id)
          const key = parkedKey(d.entity, d.id)
          const parked = s.parked.get(key)
          s.parked.delete(key)
          if (row?.deleted) return 'already_deleted'
          const last = row ?? parked
          if (!last) return 'missing'
          const deleted = { at, source: d.source, reason: d.reason }
          t.set(
            d.id,
            row
              ? {
                  fingerprint: row.fingerprint,
                  json: row.json,
                  data: row.data,
                  updatedAt: row.updatedAt,
                  deleted,
                }
              : { fingerprint: last.fingerprint, data: last.data, updatedAt: at, deleted },
          )
          return 'deleted'
        })
        if (options.outbox) {
          const byEntity = new Map<EntityName, { id: string; fingerprint: string }[]>()
          for (const [i, d] of deletes.entries()) {
            if (effects[i] !== 'deleted') continue
            const row = table(tenant, d.entity).get(d.id) as StoredRow
            const list = byEntity.get(d.entity) ?? []
            list.push({ id: d.id, fingerprint: deletedFingerprint(row.fingerprint) })
            byEntity.set(d.entity, list)
          }
          for (const [entity, records] of byEntity) trackOutbox(tenant, entity, records)
        }
        return effects
      })
    },

    readTombstones(tenant, entity, ids) {
      return run(() => {
        const t = table(tenant, entity)
        const out = new Map<string, Tombstone>()
        for (const id of ids) {
          const row = t.get(id)
          if (row?.deleted) out.set(id, toTombstone(entity, id, row))
        }
        return out
      })
    },

    listTombstones(tenant, opts = {}) {
      return run(() => {
        const out: Tombstone[] = []
        for (const [entity, t] of state(tenant).records) {
          if (opts.entity !== undefined && entity !== opts.entity) continue
          for (const [id, row] of t) {
            if (!row.deleted) continue
            if (opts.since && row.deleted.at.getTime() < opts.since.getTime()) continue
            out.push(toTombstone(entity, id, row))
          }
        }
        return out
          .sort(
            (a, b) =>
              a.deletedAt.getTime() - b.deletedAt.getTime() ||
              compare(a.entity, b.entity) ||
              compare(a.id, b.id),
          )
          .slice(0, opts.limit ?? 1000)
      })
    },

    listRecordIds(tenant, entity, opts = {}) {
      return run(() => {
        const ids: string[] = []
        for (const [id, row] of table(tenant, entity)) {
          if (!row.deleted && (opts.afterId === undefined || id > opts.afterId)) ids.push(id)
        }
        return ids.sort(compare).slice(0, opts.limit ?? 10_000)
      })
    },

    listClassEnrollments(tenant, classId, opts = {}) {
      return run(() => {
        const page: StoredRecord[] = []
        for (const [id, row] of table(tenant, 'enrollment')) {
          if (row.deleted || fieldsOf(id, row).classId !== classId) continue
          if (opts.afterId !== undefined && compare(id, opts.afterId) <= 0) continue
          page.push({
            id,
            fingerprint: row.fingerprint,
            data: dataOf(id, row),
            updatedAt: new Date(row.updatedAt),
          })
        }
        return page.sort((a, b) => compare(a.id, b.id)).slice(0, opts.limit ?? CLASS_ENROLLMENTS_PAGE)
      })
    },

    findStudentsByEmail(tenant, emails) {
      return run(() => {
        const asked = new Set(emails.map(normaliseEmail).filter((e) => e !== ''))
        const out: StudentEmailMatch[] = []
        for (const [id, row] of table(tenant, 'student')) {
          if (row.deleted) continue
          const own = new Set<string>()
          for (const field of ['email', 'academicEmail']) {
            const value = fieldsOf(id, row)[field]
            if (typeof value === 'string' && asked.has(normaliseEmail(value))) own.add(normaliseEmail(value))
          }
          for (const email of own) out.push({ email, studentId: id })
        }
        return out.sort((a, b) => compare(a.email, b.email) || compare(a.studentId, b.studentId))
      })
    },

    findReferencing(tenant, queries) {
      return run(() => {
        const out: { entity: EntityName; id: string; field: string; references: string }[] = []
        for (const q of queries) {
          const wanted = new Set(q.ids)
          for (const [id, row] of table(tenant, q.entity)) {
            if (row.deleted) continue
            const value = fieldsOf(id, row)[q.field]
            if (typeof value === 'string' && wanted.has(value)) {
              out.push({ entity: q.entity, id, field: q.field, references: value })
            }
          }
        }
        return out
      })
    },

    quarantineDeletes(tenant, wave) {
      return run(() => {
        const unsafe = unsafeTextInDelete(wave, 'quarantineDeletes: wave')
        if (unsafe) throw unsafe
        const held: QuarantinedDeletion = {
          ...structuredClone(wave),
          id: randomUUID(),
          status: 'pending',
          createdAt: now(),
          resolvedAt: null,
        }
        state(tenant).quarantine.set(held.id, held)
        return structuredClone(held)
      })
    },

    listQuarantine(tenant, opts = {}) {
      return run(() =>
        [...state(tenant).quarantine.values()]
          .filter((q) => opts.status === undefined || q.status === opts.status)
          .slice(0, opts.limit ?? 100)
          .map((q) => structuredClone(q)),
      )
    },

    getQuarantine(tenant, id) {
      return run(() => {
        const found = state(tenant).quarantine.get(id)
        return found ? structuredClone(found) : null
      })
    },

    discardQuarantine(tenant, id) {
      return run(() => {
        const s = state(tenant)
        const wave = s.quarantine.get(id)
        if (wave?.status !== 'pending') {
          throw new StoreError(
            'Invalid',
            `quarantined deletion ${id} is ${wave ? wave.status : 'unknown'}, not pending`,
          )
        }
        const discarded: QuarantinedDeletion = { ...wave, status: 'discarded', resolvedAt: now() }
        s.quarantine.set(id, discarded)
        return structuredClone(discarded)
      })
    },

    createRun(tenant, input) {
      return run(() => {
        const created: SyncRun = {
          id: randomUUID(),
          step: input.step,
          status: 'pending',
          createdAt: now(),
          startedAt: null,
          finishedAt: null,
          counts: emptyCounts(),
          error: null,
          metadata: structuredClone(input.metadata ?? {}),
        }
        state(tenant).runs.set(created.id, created)
        return structuredClone(created)
      })
    },

    updateRun(tenant, runId, update) {
      return run(() => {
        const runs = state(tenant).runs
        const current = runs.get(runId)
        if (!current) throw new StoreError('Invalid', `no sync run ${runId} in this tenant`)
        const at = now()
        const counts = { ...current.counts }
        for (const [name, value] of Object.entries(update.addCounts ?? {})) {
          counts[name as keyof OutcomeCounts] += value ?? 0
        }
        const status = update.status ?? current.status
        const next: SyncRun = {
          ...current,
          status,
          counts,
          startedAt: status === 'running' && !current.startedAt ? at : current.startedAt,
          finishedAt:
            (status === 'completed' || status === 'failed') && !current.finishedAt ? at : current.finishedAt,
          error: update.error === undefined ? current.error : update.error,
          metadata: update.metadata
            ? { ...current.metadata, ...structuredClone(update.metadata) }
            : current.metadata,
        }
        runs.set(runId, next)
        return structuredClone(next)
      })
    },

    getRun(tenant, runId) {
      return run(() => {
        const found = state(tenant).runs.get(runId)
        return found ? structuredClone(found) : null
      })
    },

    listRuns(tenant, opts = {}) {
      return run(() =>
        [...state(tenant).runs.values()]
          .filter(
            (r) =>
              (opts.step === undefined || r.step === opts.step) &&
              (opts.status === undefined || r.status === opts.status),
          )
          .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
          .slice(0, opts.limit ?? 100)
          .map((r) => structuredClone(r)),
      )
    },

    async close() {
      closed = true
    },
  }
}

function toTombstone(entity: EntityName, id: string, row: StoredRow): Tombstone {
  const deleted = row.deleted as NonNullable<StoredRow['deleted']>
  return {
    entity,
    id,
    fingerprint: row.fingerprint,
    data: dataOf(id, row),
    deletedAt: new Date(deleted.at),
    source: deleted.source,
    reason: deleted.reason,
  }
}

// Code-unit order, the same as the Postgres Store's `COLLATE "C"` listings.
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
