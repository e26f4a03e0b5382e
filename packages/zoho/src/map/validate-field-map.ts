import type { ZohoField } from '../schemas/fields.ts'
import type { FieldKind, FieldSpec, ModuleMap } from './types.ts'

/** One problem of a field map against a module's live field metadata. */
export interface FieldMapIssue {
  /** The module map's canonical entity. */
  readonly entity: string
  /** The Zoho module. */
  readonly module: string
  /** The canonical field, e.g. `"paymentSchedule"` or `"criteria.P3"`. */
  readonly field: string
  /** The Zoho api_name at fault. */
  readonly zoho: string
  /** `missing`: no such field; `wrong-type`: its data_type cannot be read as this kind; `wrong-lookup`: it points to another module. */
  readonly problem: 'missing' | 'wrong-type' | 'wrong-lookup'
  /** A sentence a person can act on. */
  readonly message: string
}

/** Zoho `data_type`s each kind can read. */
export const acceptedZohoTypes: Readonly<Record<FieldKind, readonly string[]>> = {
  id: [],
  text: ['text', 'textarea', 'email', 'phone', 'autonumber', 'picklist', 'website', 'formula'],
  lookup: ['lookup', 'ownerlookup', 'userlookup'],
  date: ['date'],
  boolean: ['boolean'],
  integer: ['integer', 'bigint', 'autonumber'],
  number: ['integer', 'bigint', 'double', 'decimal', 'percent', 'currency', 'text', 'formula'],
  money: ['currency', 'double', 'integer', 'decimal', 'text', 'formula'],
  picklist: ['picklist', 'text'],
  subform: ['subform'],
  criteria: ['text', 'textarea'],
}

/**
 * Checks a module map against the module's field metadata (`client.fields(module)` or the `fields` of a
 * `/settings/fields` response) and reports every field that does not exist, has a data_type its kind
 * cannot read, or is a lookup to another module. Subform rows are checked when the subform module's
 * metadata is passed in `subforms` (keyed by the subform field's api_name). An empty list means valid.
 *
 * @example
 * ```ts
 * const fields = await zoho.fields('BTEC_Registrations')
 * if (fields.isOk()) console.log(validateFieldMap(defaultFieldMap.modules.registration, fields.value))
 * ```
 */
export function validateFieldMap(
  map: ModuleMap,
  metadata: readonly ZohoField[] | { readonly fields: readonly ZohoField[] },
  subforms: Readonly<Record<string, readonly ZohoField[] | { readonly fields: readonly ZohoField[] }>> = {},
): FieldMapIssue[] {
  const list = (m: readonly ZohoField[] | { readonly fields: readonly ZohoField[] }) =>
    'fields' in m ? m.fields : m
  const issues: FieldMapIssue[] = []
  const check = (
    byName: Map<string, ZohoField>,
    module: string,
    field: string,
    zoho: string,
    spec: FieldSpec,
    kind: FieldKind,
  ) => {
    const base = { entity: map.entity, module, field, zoho }
    const found = byName.get(zoho)
    if (!found) {
      issues.push({
        ...base,
        problem: 'missing',
        message: `${module} has no field ${zoho} (mapped to ${map.entity}.${field})`,
      })
      return
    }
    const accepted = spec.kind === kind && spec.zohoTypes ? spec.zohoTypes : acceptedZohoTypes[kind]
    if (!accepted.includes(found.data_type)) {
      issues.push({
        ...base,
        problem: 'wrong-type',
        message: `${module}.${zoho} is a ${found.data_type} field, which cannot be read as ${kind} (accepted: ${accepted.join(', ')})`,
      })
      return
    }
    const target = found.lookup?.module?.api_name
    if (kind === 'lookup' && spec.lookupModule && target && target !== spec.lookupModule) {
      issues.push({
        ...base,
        problem: 'wrong-lookup',
        message: `${module}.${zoho} looks up ${target}, expected ${spec.lookupModule}`,
      })
    }
  }
  const byName = new Map(list(metadata).map((f) => [f.api_name, f]))
  for (const [field, spec] of Object.entries(map.fields)) {
    if (spec.kind === 'id') continue
    if (spec.kind === 'criteria') {
      for (const [code, zoho] of Object.entries(spec.criteria ?? {}))
        check(byName, map.module, `${field}.${code}`, zoho, spec, 'criteria')
      continue
    }
    check(byName, map.module, field, spec.zoho, spec, spec.kind)
    const rowsMeta = subforms[spec.zoho]
    if (spec.kind === 'subform' && spec.rows && rowsMeta) {
      const rowNames = new Map(list(rowsMeta).map((f) => [f.api_name, f]))
      for (const [rowField, rowSpec] of Object.entries(spec.rows)) {
        check(
          rowNames,
          `${map.module}.${spec.zoho}`,
          `${field}.${rowField}`,
          rowSpec.zoho,
          rowSpec,
          rowSpec.kind,
        )
      }
    }
  }
  return issues
}
