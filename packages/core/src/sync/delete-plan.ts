import type { ResultAsync } from 'neverthrow'
import { ok, okAsync, safeTry } from 'neverthrow'
import type { StoreError } from '../errors/store-error.ts'
import type { RecordRef, Store } from '../store/store.ts'
import type { DeleteWrite, ReferenceQuery } from '../store/tombstones.ts'
import type { EntityDefinition } from '../types/entity.ts'
import type { EntityName, TenantId } from '../types/primitives.ts'
import { groupRefs } from '../util/group-refs.ts'
import type { DeletePolicy } from './delete-policy.ts'
import { childReferences } from './delete-policy.ts'
import type { SyncExtension } from './sync-extension.ts'

/** One tombstone the plan would write, with where it came from. */
export interface PlannedDelete extends DeleteWrite {
  /** The requested id whose deletion led here (itself for a requested id). */
  readonly root: string
  /** Whether the record is live now (what the guard counts). */
  readonly live: boolean
  /** The parent whose deletion takes this record along (cascade, or a parked record waiting for it). */
  readonly cascadedFrom?: RecordRef
  /** Set for parked records that were waiting for a deleted record: what they waited for. */
  readonly waitingFor?: readonly RecordRef[]
}

/** A requested id the reference policy refuses to delete. */
export interface RefusedDelete {
  /** The rule of the INVALID outcome: `has_live_references`, or the refusing extension's rule. */
  readonly rule: string
  readonly message: string
  readonly children: readonly RecordRef[]
}

/** What deleting the requested ids would write. */
export interface DeletePlan {
  /** Requested ids first (input order), then cascaded children and orphaned parked records. */
  readonly writes: readonly PlannedDelete[]
  /** Requested ids refused by a reference policy (nothing of their chain is in `writes`). */
  readonly refused: ReadonlyMap<string, RefusedDelete>
  /**
   * Parked versions of records that are live as well, waiting for a deleted parent: only the parked
   * version goes (the live record stays; it references something else).
   */
  readonly unparkOnly: readonly RecordRef[]
}

/** Everything the planner reads. */
export interface PlanContext {
  readonly store: Store
  readonly definitions: ReadonlyMap<EntityName, EntityDefinition>
  readonly policyOf: (entity: EntityName) => DeletePolicy
  /** Extensions asked whether the records the plan would delete may go (see {@link SyncExtension}). */
  readonly extensions?: readonly SyncExtension[]
}

const key = (entity: string, id: string) => `${entity}\u0000${id}`

/**
 * Plans deleting `ids` of `entity`: follows live children round by round (one `findReferencing` and one
 * `parkedWaitingFor` per entity per round, whatever the number of ids), applying each parent entity's
 * policy, and collects parked records that waited for anything deleted. Reads only; writes nothing.
 */
export function planDeletes(
  ctx: PlanContext,
  tenant: TenantId,
  request: { readonly entity: EntityName; readonly ids: readonly string[]; source: string; reason: string },
): ResultAsync<DeletePlan, StoreError> {
  const { store, definitions } = ctx
  return safeTry(async function* () {
    const live = yield* store.readFingerprints(tenant, request.entity, request.ids)
    const planned = new Map<string, PlannedDelete>()
    const refused = new Map<string, { rule: string; message: string; children: RecordRef[] }>()
    const unparkOnly: (RecordRef & { root: string })[] = []
    for (const id of request.ids) {
      planned.set(key(request.entity, id), {
        entity: request.entity,
        id,
        source: request.source,
        reason: request.reason,
        root: id,
        live: live.has(id),
      })
    }
    // Live records whose children must be looked at, and every deleted record parked ones may wait for.
    let liveFrontier: RecordRef[] = request.ids
      .filter((id) => live.has(id))
      .map((id) => ({ entity: request.entity, id }))
    let parkFrontier: RecordRef[] = request.ids.map((id) => ({ entity: request.entity, id }))
    for (
      let round = 0;
      round <= definitions.size && (liveFrontier.length > 0 || parkFrontier.length > 0);
      round++
    ) {
      const queries: ReferenceQuery[] = []
      for (const [parent, ids] of groupRefs(liveFrontier)) {
        for (const child of childReferences(definitions.values(), parent)) queries.push({ ...child, ids })
      }
      const children = queries.length === 0 ? [] : yield* store.findReferencing(tenant, queries)
      const parkedGroups = [...groupRefs(parkFrontier)]
      const parked = []
      for (const [parent, ids] of parkedGroups)
        parked.push(...(yield* store.parkedWaitingFor(tenant, parent, ids)))
      const nextLive: RecordRef[] = []
      const nextPark: RecordRef[] = []

      for (const child of children) {
        const parentEntity = definitions.get(child.entity)?.references[child.field] ?? ''
        const parent = planned.get(key(parentEntity, child.references))
        if (!parent || refused.has(parent.root)) continue
        if (planned.has(key(child.entity, child.id))) continue
        if (ctx.policyOf(parentEntity) === 'refuse') {
          const entry = refused.get(parent.root) ?? { rule: 'has_live_references', message: '', children: [] }
          entry.children.push({ entity: child.entity, id: child.id })
          refused.set(parent.root, entry)
          continue
        }
        planned.set(key(child.entity, child.id), {
          entity: child.entity,
          id: child.id,
          source: request.source,
          reason: `${request.reason} (cascade: ${parentEntity} ${child.references} deleted)`,
          root: parent.root,
          live: true,
          cascadedFrom: { entity: parentEntity, id: child.references },
        })
        nextLive.push({ entity: child.entity, id: child.id })
        nextPark.push({ entity: child.entity, id: child.id })
      }

      const orphans: {
        entity: EntityName
        id: string
        waitingFor: readonly RecordRef[]
        parent: PlannedDelete
      }[] = []
      for (const record of parked) {
        if (planned.has(key(record.entity, record.id))) continue
        const parent = record.waitingFor
          .map((ref) => planned.get(key(ref.entity, ref.id)))
          .find((p) => p !== undefined)
        if (!parent) continue
        orphans.push({ entity: record.entity, id: record.id, waitingFor: record.waitingFor, parent })
      }
      // A parked record may also be live (a newer version waiting for a new parent): only its parked
      // version is orphaned; the live record references something else and stays.
      const liveOrphans = new Set<string>()
      for (const [entity, ids] of groupRefs(orphans)) {
        for (const id of (yield* store.readFingerprints(tenant, entity, ids)).keys())
          liveOrphans.add(key(entity, id))
      }
      for (const orphan of orphans) {
        const k = key(orphan.entity, orphan.id)
        if (planned.has(k)) continue
        if (liveOrphans.has(k)) {
          unparkOnly.push({ entity: orphan.entity, id: orphan.id, root: orphan.parent.root })
          continue
        }
        planned.set(k, {
          entity: orphan.entity,
          id: orphan.id,
          source: request.source,
          reason: `${request.reason} (was parked waiting for deleted ${orphan.parent.entity} ${orphan.parent.id})`,
          root: orphan.parent.root,
          live: false,
          cascadedFrom: { entity: orphan.parent.entity, id: orphan.parent.id },
          waitingFor: orphan.waitingFor,
        })
        nextPark.push({ entity: orphan.entity, id: orphan.id })
      }
      liveFrontier = nextLive
      parkFrontier = nextPark
    }

    for (const [root, entry] of refused) {
      const shown = entry.children.slice(0, 5).map((c) => `${c.entity} ${c.id}`)
      const more =
        entry.children.length > shown.length ? ` and ${entry.children.length - shown.length} more` : ''
      entry.message = `${request.entity} ${root} is still referenced by live records (${shown.join(', ')}${more}) whose parent's delete policy is "refuse"; delete or move them first, or declare a "cascade" policy`
    }
    // Records kept outside the Store (invoices, ...) that hold what the plan would delete: one question
    // per extension per entity, over every live record the plan still deletes.
    for (const extension of ctx.extensions ?? []) {
      const candidates = [...planned.values()].filter((p) => p.live && !refused.has(p.root))
      for (const [entity, ids] of groupRefs(candidates)) {
        const refusals = yield* extension.deleteRefusals(tenant, entity, ids)
        for (const [id, refusal] of refusals) {
          const held = planned.get(key(entity, id))
          if (!held || refused.has(held.root)) continue
          const message =
            held.root === id && entity === request.entity
              ? refusal.message
              : `${request.entity} ${held.root} cannot be deleted: it would take ${entity} ${id} along, and ${refusal.message}`
          refused.set(held.root, { rule: refusal.rule, message, children: [] })
        }
      }
    }
    return ok({
      writes: [...planned.values()].filter((p) => !refused.has(p.root)),
      refused,
      unparkOnly: unparkOnly.filter((p) => !refused.has(p.root)).map(({ entity, id }) => ({ entity, id })),
    })
  })
}

/** A plan that deletes nothing (no valid ids). */
export const emptyPlan = (): ResultAsync<DeletePlan, StoreError> =>
  okAsync({ writes: [], refused: new Map(), unparkOnly: [] })
