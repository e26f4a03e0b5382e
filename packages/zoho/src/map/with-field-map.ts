import type { CanonicalEntityName } from '@edusync/core'
import type { FieldMap, FieldSpec, ModuleMap, WriteBackFields } from './types.ts'

/**
 * A change to one field: a new api_name (string), a partial spec merged over the base spec, or `null` to
 * stop reading the field (a required canonical field then reports INVALID on every record).
 */
export type FieldOverride = string | Partial<FieldSpec> | null

/** Changes to one module's map. */
export interface ModuleOverride {
  /** A renamed module, e.g. `"Students"` instead of `"BTEC_Students"`. */
  readonly module?: string
  /** A different currency field, or `null` for none. */
  readonly currencyField?: string | null
  /** Write-back fields to change (`null` removes one), or `null` for no write-back to this module. */
  readonly writeBack?: Partial<Readonly<Record<keyof WriteBackFields, string | null>>> | null
  /** Canonical field -> change. New canonical fields may be added with a full spec. */
  readonly fields?: Readonly<Record<string, FieldOverride>>
}

/** A tenant's changes to a {@link FieldMap}. */
export interface FieldMapOverrides {
  readonly defaultCurrency?: string
  readonly currencySymbols?: Readonly<Record<string, string>>
  readonly modules?: Partial<Readonly<Record<CanonicalEntityName, ModuleOverride>>>
}

/**
 * Returns `base` with a tenant's overrides applied; `base` is not changed.
 *
 * @example
 * ```ts
 * const acme = withFieldMap(defaultFieldMap, {
 *   defaultCurrency: 'USD',
 *   modules: { student: { module: 'Students', fields: { phone: 'Mobile', nationalNumber: null } } },
 * })
 * ```
 */
export function withFieldMap(base: FieldMap, overrides: FieldMapOverrides): FieldMap {
  const modules = { ...base.modules } as Record<CanonicalEntityName, ModuleMap>
  for (const [entity, change] of Object.entries(overrides.modules ?? {}) as [
    CanonicalEntityName,
    ModuleOverride,
  ][]) {
    const current = modules[entity]
    if (!current) throw new TypeError(`field map override: unknown entity "${entity}"`)
    const fields: Record<string, FieldSpec> = { ...current.fields }
    for (const [field, override] of Object.entries(change.fields ?? {})) {
      if (override === null) {
        delete fields[field]
      } else if (typeof override === 'string') {
        const spec = fields[field]
        fields[field] = spec ? { ...spec, zoho: override } : { zoho: override, kind: 'text' }
      } else {
        const merged = { ...fields[field], ...override }
        if (typeof merged.zoho !== 'string' || typeof merged.kind !== 'string') {
          throw new TypeError(`field map override: new field "${entity}.${field}" needs both zoho and kind`)
        }
        fields[field] = merged as FieldSpec
      }
    }
    const currencyField = change.currencyField === undefined ? current.currencyField : change.currencyField
    const writeBack = mergeWriteBack(current.writeBack, change.writeBack)
    modules[entity] = {
      module: change.module ?? current.module,
      entity,
      fields,
      ...(currencyField ? { currencyField } : {}),
      ...(writeBack ? { writeBack } : {}),
    }
  }
  const defaultCurrency = overrides.defaultCurrency ?? base.defaultCurrency
  const currencySymbols = overrides.currencySymbols ?? base.currencySymbols
  return {
    modules,
    ...(defaultCurrency ? { defaultCurrency } : {}),
    ...(currencySymbols ? { currencySymbols } : {}),
  }
}

function mergeWriteBack(
  current: WriteBackFields | undefined,
  change: ModuleOverride['writeBack'],
): WriteBackFields | undefined {
  if (change === null) return undefined
  if (change === undefined) return current
  const merged: Record<string, string> = { ...current }
  for (const [role, zoho] of Object.entries(change)) {
    if (zoho === null) delete merged[role]
    else if (zoho !== undefined) merged[role] = zoho
  }
  return Object.keys(merged).length > 0 ? merged : undefined
}

/** Finds the module map for a canonical entity name or a Zoho module api_name. */
export function findModuleMap(map: FieldMap, target: string): ModuleMap | undefined {
  const byEntity = (map.modules as Record<string, ModuleMap | undefined>)[target]
  if (byEntity) return byEntity
  return Object.values(map.modules).find((m) => m.module === target)
}
