import { okAsync, ResultAsync } from 'neverthrow'
import type { StoreError } from '../errors/store-error.ts'
import { changedFields } from '../fingerprint/fingerprint.ts'
import { CheckedWrite } from '../parse/checked-text.ts'
import type { ParkWrite, RecordRef, RecordWrite, Store, StoredRecord, WriteEffect } from '../store/store.ts'
import type { EntityName, TenantId } from '../types/primitives.ts'
import { groupRefs, toRefs } from '../util/group-refs.ts'
import type { RecordOutcome } from './outcome.ts'
import type { PreparedBatch, PreparedRecord } from './prepare-batch.ts'

/** What one applied batch produced. */
export interface AppliedBatch {
  /** Outcomes of every input record, in input order. */
  readonly outcomes: RecordOutcome[]
  /**
   * Ids of this batch's records that are stored once it is applied (NEW, UPDATED and UNCHANGED): each may
   * unblock parked records. UNCHANGED ones count too, so that re-syncing a parent heals children whose
   * replay failed earlier (the parent was written, the replay was not).
   */
  readonly present: string[]
  /** References that parked records of this batch wait for but that exist by now (a concurrent writer). */
  readonly arrivedMeanwhile: RecordRef[]
}

type Plan =
  | { kind: 'new'; record: PreparedRecord }
  | { kind: 'update'; record: PreparedRecord; previous: string }
  | { kind: 'same'; record: PreparedRecord }
  | { kind: 'park'; record: PreparedRecord; waitingFor: RecordRef[] }
  | { kind: 'orphan'; record: PreparedRecord; deleted: RecordRef[] }

/** What a batch reads before it decides: stored fingerprints of its ids and which references exist. */
export interface BatchReads {
  readonly stored: ReadonlyMap<string, string>
  readonly found: ReadonlyMap<EntityName, ReadonlySet<string>>
}

/**
 * The reads of {@link applyPreparedBatch}, two Store calls issued concurrently: the stored fingerprints of
 * the batch's ids and the existence of the ids it references. Separate so a stream can issue them for
 * the next batch while the current one is still being written (see sync-stream.ts).
 */
export function readBatch(
  store: Store,
  tenant: TenantId,
  batch: PreparedBatch,
): ResultAsync<BatchReads, StoreError> {
  const { entity, records } = batch
  // One pass over the batch for both reads: its ids, and its references grouped by entity (de-duplicated).
  const ids: string[] = new Array(records.length)
  const refs = new Map<EntityName, Set<string>>()
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as PreparedRecord
    ids[i] = record.id
    for (const ref of record.refs) {
      let set = refs.get(ref.entity)
      if (!set) {
        set = new Set()
        refs.set(ref.entity, set)
      }
      set.add(ref.id)
    }
  }
  const existing =
    refs.size === 0
      ? okAsync(new Map<EntityName, ReadonlySet<string>>())
      : store.existingIds(
          tenant,
          [...refs].map(([name, refIds]) => ({ entity: name, ids: [...refIds] })),
        )
  return ResultAsync.combine([store.readFingerprints(tenant, entity.name, ids), existing] as const).map(
    ([stored, found]) => ({ stored, found }),
  )
}

/**
 * The I/O half of a batch: at most four Store calls whatever the batch size — fingerprints and referenced
 * ids (concurrently), the previous versions of changed records (only when some changed), one atomic
 * write — plus one existence re-check when records were parked. `fromParked` marks a replay of parked
 * records: those are unparked even when UNCHANGED. `reads`, when given, are this batch's
 * {@link readBatch}, already issued.
 */
export function applyPreparedBatch(
  store: Store,
  tenant: TenantId,
  batch: PreparedBatch,
  options: { readonly fromParked?: boolean } = {},
  reads?: ResultAsync<BatchReads, StoreError>,
): ResultAsync<AppliedBatch, StoreError> {
  const { entity, records } = batch
  if (records.length === 0)
    return okAsync({ outcomes: sortByIndex(batch.decided), present: [], arrivedMeanwhile: [] })

  return (reads ?? readBatch(store, tenant, batch)).andThen(({ stored, found }) => {
    // One pass decides every record; the lists the write needs are collected on the way.
    let inBatch: Set<string> | undefined
    let parks = 0
    const updatedIds: string[] = []
    const planned: Plan[] = new Array(records.length)
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as PreparedRecord
      let missing: RecordRef[] | undefined
      for (const ref of record.refs) {
        if (found.get(ref.entity)?.has(ref.id)) continue
        // A reference to a record of this very batch is satisfied by the write itself.
        if (ref.entity === entity.name) {
          inBatch ??= new Set(records.map((r) => r.id))
          if (inBatch.has(ref.id)) continue
        }
        if (missing) missing.push(ref)
        else missing = [ref]
      }
      if (missing) {
        planned[i] = { kind: 'park', record, waitingFor: missing }
        parks++
        continue
      }
      const previous = stored.get(record.id)
      if (previous === undefined) planned[i] = { kind: 'new', record }
      else if (previous === record.fingerprint) planned[i] = { kind: 'same', record }
      else {
        planned[i] = { kind: 'update', record, previous }
        updatedIds.push(record.id)
      }
    }
    return (parks === 0 ? okAsync(planned) : refuseOrphans(store, tenant, planned)).andThen(write)

    function write(plans: Plan[]) {
      const previousRecords: ResultAsync<
        ReadonlyMap<string, StoredRecord>,
        StoreError
      > = updatedIds.length === 0 ? okAsync(new Map()) : store.readRecords(tenant, entity.name, updatedIds)
      return previousRecords.andThen((before) => {
        const upserts: RecordWrite[] = []
        const park: ParkWrite[] = []
        const unpark: string[] = []
        for (const plan of plans) {
          const { id, fingerprint, data } = plan.record
          if (plan.kind === 'park') park.push({ id, fingerprint, data, waitingFor: plan.waitingFor })
          else if (plan.kind === 'orphan') continue
          else if (plan.kind !== 'same') {
            upserts.push(
              plan.record.textChecked
                ? new CheckedWrite(id, fingerprint, data, plan.record.json)
                : { id, fingerprint, data },
            )
            unpark.push(id)
          } else if (options.fromParked) {
            // A replayed parked record equal to the stored one is done. An UNCHANGED record from a normal
            // batch must not unpark: the parked version may be newer (v1 stored, v2 parked, v1 redelivered).
            unpark.push(id)
          }
        }
        return store.applyBatch(tenant, entity.name, { upserts, park, unpark }).andThen((effects) => {
          const outcomes = batch.decided.length === 0 ? [] : [...batch.decided]
          const present: string[] = []
          for (const plan of plans) {
            const id = plan.record.id
            outcomes.push(
              decide(plan, effects.get(id), plan.kind === 'update' ? before.get(id)?.data : undefined),
            )
            if (plan.kind !== 'park' && plan.kind !== 'orphan') present.push(id)
          }
          const result = { outcomes: sortByIndex(outcomes), present, arrivedMeanwhile: [] as RecordRef[] }
          if (park.length === 0) return okAsync(result)
          return recheckParents(store, tenant, park).map((arrived) => ({
            ...result,
            arrivedMeanwhile: arrived,
          }))
        })
      })
    }

    function decide(
      plan: Plan,
      effect: WriteEffect | undefined,
      previousData?: Readonly<Record<string, unknown>>,
    ): RecordOutcome {
      const { id, index } = plan.record
      const name = entity.name
      // Object literals rather than spreads of a shared base: this runs once per record.
      switch (plan.kind) {
        case 'park':
          return { entity: name, index, id, status: 'DEFERRED', waitingFor: plan.waitingFor }
        case 'orphan': {
          const refs = plan.deleted.map((ref) => `${ref.entity} ${ref.id}`).join(', ')
          const message = `references deleted ${refs}: restore it first (sync it again), or fix the reference; nothing was written`
          return {
            entity: name,
            index,
            id,
            status: 'INVALID',
            issues: plan.deleted.map((ref) => ({
              path: fieldOf(plan.record, ref),
              rule: 'references_deleted',
              message,
              received: ref.id,
            })),
            message,
          }
        }
        case 'same':
          return { entity: name, index, id, status: 'UNCHANGED' }
        case 'new':
        case 'update':
          if (effect === 'inserted') return { entity: name, index, id, status: 'NEW' }
          // Decided by the Store under its row lock: right even when a delete raced our read.
          if (effect === 'restored') return { entity: name, index, id, status: 'RESTORED' }
          if (effect === 'unchanged' || effect === undefined)
            return { entity: name, index, id, status: 'UNCHANGED' }
          // A concurrent writer changed the row between our read and write; without its previous
          // version every field is reported as changed (all of them were written).
          return {
            entity: name,
            index,
            id,
            status: 'UPDATED',
            changedFields: previousData
              ? changedFields(entity, previousData, plan.record.data)
              : [...entity.fields],
          }
        default:
          return plan satisfies never
      }
    }
  })
}

// A record whose missing parent is a tombstone would wait forever: it is refused instead (INVALID,
// rule `references_deleted`). One tombstone read per referenced entity, only when something would park.
function refuseOrphans(store: Store, tenant: TenantId, plans: Plan[]): ResultAsync<Plan[], StoreError> {
  const missing = plans.flatMap((p) => (p.kind === 'park' ? p.waitingFor : []))
  if (missing.length === 0) return okAsync(plans)
  const groups = [...groupRefs(missing)]
  return ResultAsync.combine(groups.map(([entity, ids]) => store.readTombstones(tenant, entity, ids))).map(
    (found) => {
      const deleted = new Set<string>()
      for (const [n, [entity]] of groups.entries()) {
        for (const id of found[n]?.keys() ?? []) deleted.add(`${entity}\u0000${id}`)
      }
      if (deleted.size === 0) return plans
      return plans.map((p): Plan => {
        if (p.kind !== 'park') return p
        const gone = p.waitingFor.filter((ref) => deleted.has(`${ref.entity}\u0000${ref.id}`))
        return gone.length === 0 ? p : { kind: 'orphan', record: p.record, deleted: gone }
      })
    },
  )
}

function fieldOf(record: PreparedRecord, ref: RecordRef): string {
  for (const [field, value] of Object.entries(record.data)) if (value === ref.id) return field
  return 'id'
}

// A parent may have been inserted by another writer after our existence check and before our park was
// committed; that writer's replay could not see our park. Re-checking after the commit closes the gap.
function recheckParents(store: Store, tenant: TenantId, parked: readonly ParkWrite[]) {
  const refs = [...groupRefs(parked.flatMap((p) => p.waitingFor))].map(([entity, ids]) => ({ entity, ids }))
  return store.existingIds(tenant, refs).map(toRefs)
}

function sortByIndex(outcomes: RecordOutcome[]): RecordOutcome[] {
  for (let i = 1; i < outcomes.length; i++) {
    if ((outcomes[i - 1] as RecordOutcome).index > (outcomes[i] as RecordOutcome).index) {
      return outcomes.sort((a, b) => a.index - b.index)
    }
  }
  return outcomes
}
