import type { EntityName, TenantId } from '../types/primitives.ts'

/**
 * How many deletions of one entity one call may apply without approval: at most
 * `min(maxCount, max(minAllowed, floor(maxShare × live records)))`. Above it the whole wave is
 * quarantined (nothing is deleted) until someone approves or discards it.
 */
export interface DeletionGuardLimits {
  /** Share of the entity's live records. @default 0.05 */
  readonly maxShare: number
  /** Absolute ceiling, however large the entity. @default 100 */
  readonly maxCount: number
  /** Always allowed, however small the entity (so a school of 30 can delete one record). @default 5 */
  readonly minAllowed: number
}

/** The guard's configuration: limits for every tenant and entity, optionally overridden per pair. */
export interface DeletionGuardConfig extends Partial<DeletionGuardLimits> {
  /** Overrides for one tenant and entity (return `undefined` to keep the defaults). */
  readonly per?: (tenant: TenantId, entity: EntityName) => Partial<DeletionGuardLimits> | undefined
}

/** The shipped limits: 5% of live records, never more than 100, always at least 5. */
export const defaultDeletionGuardLimits: DeletionGuardLimits = {
  maxShare: 0.05,
  maxCount: 100,
  minAllowed: 5,
}

/** The limits in force for one tenant and entity. */
export function guardLimits(
  config: DeletionGuardConfig | undefined,
  tenant: TenantId,
  entity: EntityName,
): DeletionGuardLimits {
  const { per, ...base } = config ?? {}
  return { ...defaultDeletionGuardLimits, ...stripUndefined(base), ...stripUndefined(per?.(tenant, entity)) }
}

/** How many deletions of an entity with `live` live records one call may apply unapproved. */
export function allowedDeletions(limits: DeletionGuardLimits, live: number): number {
  return Math.min(limits.maxCount, Math.max(limits.minAllowed, Math.floor(limits.maxShare * live)))
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {}
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
