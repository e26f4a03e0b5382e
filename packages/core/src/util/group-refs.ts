import type { RecordRef } from '../store/store.ts'
import type { EntityName } from '../types/primitives.ts'

/** Groups references by entity, de-duplicating ids (first-seen order). */
export function groupRefs(refs: Iterable<RecordRef>): Map<EntityName, string[]> {
  const byEntity = new Map<EntityName, Set<string>>()
  for (const ref of refs) {
    const set = byEntity.get(ref.entity) ?? new Set<string>()
    set.add(ref.id)
    byEntity.set(ref.entity, set)
  }
  return new Map([...byEntity].map(([entity, ids]) => [entity, [...ids]]))
}

/** Flattens `existingIds`-style results back into references. */
export function toRefs(found: ReadonlyMap<EntityName, Iterable<string>>): RecordRef[] {
  const refs: RecordRef[] = []
  for (const [entity, ids] of found) for (const id of ids) refs.push({ entity, id })
  return refs
}
