import type { FieldMeta, FieldMetadataInput } from './field-metadata.ts'
import { readFieldMetadata } from './field-metadata.ts'
import { minorDigits } from './money.ts'
import { compilePicklist } from './picklist-translation.ts'
import type { FieldKind, FieldSpec, ModuleMap, WriteBackFields } from './types.ts'

/**
 * What is wrong with one field of a map:
 * - `missing`: the module has no such field;
 * - `wrong-type`: its data_type cannot be read (or written) as the map uses it;
 * - `wrong-lookup`: the lookup points to another module;
 * - `unmapped-value`: a picklist option the map does not translate (`value`), or a currency option that
 *   is not an ISO-4217 code; records carrying it are INVALID;
 * - `currency-ignored`: the module has a per-record currency field the map does not name, so its amounts
 *   would be read in the tenant default currency whatever the record says;
 * - `no-currency`: the map reads money but has neither a currency field nor a default currency;
 * - `read-only`: a write-back field Zoho refuses to write.
 */
export type FieldMapProblem =
  | 'missing'
  | 'wrong-type'
  | 'wrong-lookup'
  | 'unmapped-value'
  | 'currency-ignored'
  | 'no-currency'
  | 'read-only'

/** One problem of a field map against a module's live field metadata. */
export interface FieldMapIssue {
  /** The module map's canonical entity. */
  readonly entity: string
  /** The Zoho module (`Module.Subform` for subform rows). */
  readonly module: string
  /** The canonical field (`"paymentSchedule.amount"`, `"criteria.P3"`), `"currencyField"` or `"writeBack.synced"`. */
  readonly field: string
  /** The Zoho api_name at fault. */
  readonly zoho: string
  readonly problem: FieldMapProblem
  /** `unmapped-value`: the option's stored value. */
  readonly value?: string
  /** A sentence a person can act on. */
  readonly message: string
}

/** A check `validateFieldMap` could not make. */
export interface FieldMapSkip {
  readonly entity: string
  readonly module: string
  /** The canonical field (or `"currencyField"`); absent when a whole module was skipped. */
  readonly field?: string
  readonly zoho?: string
  /** Which check: a whole `module`, `subform-rows`, a `lookup-target`, `picklist-values`, `currency-values`. */
  readonly check: 'module' | 'subform-rows' | 'lookup-target' | 'picklist-values' | 'currency-values'
  /** Why, and what to pass to make the check. */
  readonly reason: string
}

/** The result of validating a map: what is wrong, and what could not be checked. */
export interface FieldMapReport {
  readonly issues: FieldMapIssue[]
  readonly skipped: FieldMapSkip[]
}

/** Options of {@link validateFieldMap}. */
export interface ValidateFieldMapOptions {
  /** Row metadata of subforms, keyed by the subform field's api_name (e.g. `Payment_Schedule`). */
  readonly subforms?: Readonly<Record<string, FieldMetadataInput>>
  /** The tenant's default currency (`FieldMap.defaultCurrency`); without one, money needs a currency field. */
  readonly defaultCurrency?: string
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

/** Zoho `data_type`s each write-back field can be written as. */
export const writeBackZohoTypes: Readonly<Record<keyof WriteBackFields, readonly string[]>> = {
  synced: ['boolean'],
  syncedAt: ['datetime', 'date'],
  moodleId: ['text', 'integer', 'bigint'],
}

const currencyTypes = ['picklist', 'text']

/**
 * Checks a module map against the module's field metadata (`client.fields(module)`, a `/settings/fields`
 * body, v2 or v8 shaped) and reports everything the map uses that would fail: read fields that are missing,
 * of the wrong type or a lookup to another module; picklist options the map does not translate; the
 * currency field (named but missing, or present in the module but not named); write-back fields; subform
 * row fields when `options.subforms` has their metadata. `skipped` lists every check it could not make and
 * why. Both lists empty means the map is good for this module.
 *
 * @example
 * ```ts
 * const fields = await zoho.fields('BTEC_Payments')
 * if (fields.isOk()) {
 *   const { issues, skipped } = validateFieldMap(fieldMap.modules.payment, fields.value, { defaultCurrency: 'USD' })
 * }
 * ```
 */
export function validateFieldMap(
  map: ModuleMap,
  metadata: FieldMetadataInput,
  options: ValidateFieldMapOptions = {},
): FieldMapReport {
  const issues: FieldMapIssue[] = []
  const skipped: FieldMapSkip[] = []
  const fields = readFieldMetadata(metadata)
  const moneyFields: string[] = []

  const check = (
    byName: ReadonlyMap<string, FieldMeta>,
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
    if (!accepted.includes(found.dataType)) {
      issues.push({
        ...base,
        problem: 'wrong-type',
        message: `${module}.${zoho} is a ${found.dataType} field, which cannot be read as ${kind} (accepted: ${accepted.join(', ')})`,
      })
      return
    }
    if (kind === 'money') moneyFields.push(zoho)
    if (kind === 'lookup' && spec.lookupModule) {
      const target = found.lookupModule
      if (target === undefined) {
        skipped.push({
          ...base,
          check: 'lookup-target',
          reason: `the metadata of ${module}.${zoho} names no target module, so "it looks up ${spec.lookupModule}" is not checked`,
        })
      } else if (target !== spec.lookupModule) {
        issues.push({
          ...base,
          problem: 'wrong-lookup',
          message: `${module}.${zoho} looks up ${target}, expected ${spec.lookupModule}`,
        })
      }
    }
    if (kind === 'picklist') {
      if (!found.options) {
        skipped.push({
          ...base,
          check: 'picklist-values',
          reason: `the metadata of ${module}.${zoho} (${found.dataType}) lists no picklist options, so values the map does not translate are not known`,
        })
        return
      }
      for (const option of compilePicklist(spec.values ?? {}, found.options).unmapped) {
        const label = option.display === option.actual ? '' : ` (shown as "${option.display}")`
        issues.push({
          ...base,
          problem: 'unmapped-value',
          value: option.actual,
          message: `${module}.${zoho} has the option "${option.actual}"${label}, which the map does not translate: records with it are INVALID (add it to ${map.entity}.${field}'s values, or map it to null)`,
        })
      }
    }
  }

  for (const [field, spec] of Object.entries(map.fields)) {
    if (spec.kind === 'id') continue
    if (spec.kind === 'criteria') {
      for (const [code, zoho] of Object.entries(spec.criteria ?? {}))
        check(fields, map.module, `${field}.${code}`, zoho, spec, 'criteria')
      continue
    }
    check(fields, map.module, field, spec.zoho, spec, spec.kind)
    if (spec.kind !== 'subform' || !spec.rows || !fields.has(spec.zoho)) continue
    const rowsMeta = options.subforms?.[spec.zoho]
    if (!rowsMeta) {
      skipped.push({
        entity: map.entity,
        module: map.module,
        field,
        zoho: spec.zoho,
        check: 'subform-rows',
        reason: `no row metadata for the subform ${spec.zoho}, so its row fields (${Object.values(spec.rows)
          .map((r) => r.zoho)
          .join(', ')}) are not checked: pass the subform module's fields as subforms.${spec.zoho}`,
      })
      continue
    }
    const rows = readFieldMetadata(rowsMeta)
    for (const [rowField, rowSpec] of Object.entries(spec.rows)) {
      check(rows, `${map.module}.${spec.zoho}`, `${field}.${rowField}`, rowSpec.zoho, rowSpec, rowSpec.kind)
    }
  }

  checkCurrency(map, fields, moneyFields, options.defaultCurrency, issues, skipped)
  checkWriteBack(map, fields, issues)
  return { issues, skipped }
}

function checkCurrency(
  map: ModuleMap,
  fields: ReadonlyMap<string, FieldMeta>,
  moneyFields: readonly string[],
  defaultCurrency: string | undefined,
  issues: FieldMapIssue[],
  skipped: FieldMapSkip[],
): void {
  const base = { entity: map.entity, module: map.module, field: 'currencyField' }
  const named = map.currencyField
  if (named) {
    const found = fields.get(named)
    if (!found) {
      issues.push({
        ...base,
        zoho: named,
        problem: 'missing',
        message: `${map.module} has no field ${named} (the map's currency field): every amount would be INVALID; remove currencyField to use the default currency`,
      })
    } else if (!currencyTypes.includes(found.dataType)) {
      issues.push({
        ...base,
        zoho: named,
        problem: 'wrong-type',
        message: `${map.module}.${named} is a ${found.dataType} field, which cannot hold a currency code (accepted: ${currencyTypes.join(', ')})`,
      })
    } else if (!found.options) {
      skipped.push({
        ...base,
        zoho: named,
        check: 'currency-values',
        reason: `the metadata of ${map.module}.${named} (${found.dataType}) lists no options, so its currency codes are not checked`,
      })
    } else {
      for (const option of found.options) {
        const code = option.actual.trim().toUpperCase()
        if (option.actual === '-None-' || (/^[A-Z]{3}$/.test(code) && minorDigits(code) !== undefined))
          continue
        issues.push({
          ...base,
          zoho: named,
          problem: 'unmapped-value',
          value: option.actual,
          message: `${map.module}.${named} has the option "${option.actual}", which is not an ISO-4217 code: amounts of records with it are INVALID`,
        })
      }
    }
    return
  }
  if (moneyFields.length === 0) return
  // Zoho's multi-currency field: a system picklist named Currency on every module that holds money.
  const own = fields.get('Currency')
  if (own && own.dataType === 'picklist') {
    const codes = own.options ? ` (${own.options.map((o) => o.actual).join(', ')})` : ''
    issues.push({
      ...base,
      zoho: 'Currency',
      problem: 'currency-ignored',
      message: `${map.module} records carry their own Currency${codes}, but the map reads ${moneyFields.join(', ')} without it: amounts would be taken as the default currency whatever the record says (set currencyField: 'Currency')`,
    })
  } else if (!defaultCurrency) {
    issues.push({
      ...base,
      zoho: moneyFields[0] as string,
      problem: 'no-currency',
      message: `${map.module} has no currency field and the field map no defaultCurrency, so ${moneyFields.join(', ')} without a currency marker are INVALID (set defaultCurrency)`,
    })
  }
}

function checkWriteBack(
  map: ModuleMap,
  fields: ReadonlyMap<string, FieldMeta>,
  issues: FieldMapIssue[],
): void {
  for (const role of Object.keys(writeBackZohoTypes) as (keyof WriteBackFields)[]) {
    const zoho = map.writeBack?.[role]
    if (!zoho) continue
    const base = { entity: map.entity, module: map.module, field: `writeBack.${role}`, zoho }
    const found = fields.get(zoho)
    const accepted = writeBackZohoTypes[role]
    if (!found) {
      issues.push({
        ...base,
        problem: 'missing',
        message: `${map.module} has no field ${zoho} (the map's write-back ${role} field): the write-back would fail at Zoho`,
      })
    } else if (!accepted.includes(found.dataType)) {
      issues.push({
        ...base,
        problem: 'wrong-type',
        message: `${map.module}.${zoho} is a ${found.dataType} field, which cannot take the write-back ${role} value (accepted: ${accepted.join(', ')})`,
      })
    } else if (found.readOnly) {
      issues.push({
        ...base,
        problem: 'read-only',
        message: `${map.module}.${zoho} is read-only: the write-back ${role} value would be refused`,
      })
    }
  }
}
