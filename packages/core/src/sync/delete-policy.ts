import type { EntityDefinition } from '../types/entity.ts'
import type { EntityName } from '../types/primitives.ts'

/**
 * What deleting a parent does when live records still reference it:
 * - `refuse`: the parent is not deleted; its outcome is INVALID with rule `has_live_references`, naming
 *   the children (delete or move them first);
 * - `cascade`: the children are tombstoned with it, in the same atomic write, each under its own
 *   entity's policy (a refusing grandchild refuses the whole chain).
 *
 * Nothing is ever hard-deleted either way: tombstones keep every record's last data.
 */
export type DeletePolicy = 'refuse' | 'cascade'

/**
 * The shipped policies, per parent entity. Money and identity refuse (a student with registrations or
 * payments, a registration with payments: those records back statements and invoices, so they must be
 * dealt with first); a class takes its enrollments and grades along (a class removed in the CRM means
 * its enrolments are gone, which the Moodle unenrolment push acts on). Entities not listed refuse.
 */
export const defaultDeletePolicies: Readonly<Record<EntityName, DeletePolicy>> = {
  program: 'refuse',
  student: 'refuse',
  registration: 'refuse',
  payment: 'refuse',
  teacher: 'refuse',
  unit: 'refuse',
  class: 'cascade',
  enrollment: 'refuse',
  grade: 'refuse',
  request: 'refuse',
}

/** A field of `entity` that references a parent entity. */
export interface ChildReference {
  readonly entity: EntityName
  readonly field: string
}

/** The (child entity, field) pairs that reference `parent`, from the entity declarations. */
export function childReferences(
  definitions: Iterable<EntityDefinition>,
  parent: EntityName,
): readonly ChildReference[] {
  const out: ChildReference[] = []
  for (const definition of definitions) {
    for (const [field, target] of Object.entries(definition.references)) {
      if (target === parent) out.push({ entity: definition.name, field })
    }
  }
  return out
}
