import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import { SyncError } from '../errors/sync-error.ts'
import type { EntityDefinition } from '../types/entity.ts'
import type { EntityName } from '../types/primitives.ts'

/**
 * A deterministic topological order of entities: every entity comes after the entities it references
 * (programs and students before registrations, registrations before payments, classes before grades).
 * Among entities whose parents are all placed, the alphabetically first goes next, so the order never
 * depends on declaration order. A self-reference is allowed (it does not constrain the order); a longer
 * cycle is rejected with an error naming it, e.g. `a -> b -> a` (a references b, b references a). References to entities outside
 * `definitions` are ignored.
 */
export function orderEntities(definitions: readonly EntityDefinition[]): Result<EntityName[], SyncError> {
  const names = new Set(definitions.map((d) => d.name))
  const parents = new Map<EntityName, Set<EntityName>>()
  for (const d of definitions) {
    const set = new Set<EntityName>()
    for (const target of Object.values(d.references))
      if (target !== d.name && names.has(target)) set.add(target)
    parents.set(d.name, set)
  }
  const order: EntityName[] = []
  const placed = new Set<EntityName>()
  while (order.length < names.size) {
    const ready = [...names]
      .filter((n) => !placed.has(n) && [...(parents.get(n) ?? [])].every((p) => placed.has(p)))
      .sort()
    const next = ready[0]
    if (next === undefined) {
      const cycle = findCycle([...names].filter((n) => !placed.has(n)).sort(), parents)
      return err(new SyncError('Cycle', `entity references form a cycle: ${cycle.join(' -> ')}`))
    }
    order.push(next)
    placed.add(next)
  }
  return ok(order)
}

function findCycle(
  remaining: readonly EntityName[],
  parents: ReadonlyMap<EntityName, ReadonlySet<EntityName>>,
): EntityName[] {
  const pending = new Set(remaining)
  for (const start of remaining) {
    const path: EntityName[] = []
    const onPath = new Map<EntityName, number>()
    let current: EntityName | undefined = start
    while (current !== undefined && !onPath.has(current)) {
      onPath.set(current, path.length)
      path.push(current)
      current = [...(parents.get(current) ?? [])].filter((p) => pending.has(p)).sort()[0]
    }
    if (current !== undefined) {
      // Each arrow reads "references": `a -> b` means a record of a references a record of b.
      const cycle = path.slice(onPath.get(current))
      return [...cycle, current]
    }
  }
  return [...remaining]
}
