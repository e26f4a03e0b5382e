import type {
  CanonicalEntityName,
  Enrollment,
  EntityDefinition,
  Grade,
  InputLimits,
  ParseIssue,
  Payment,
  Program,
  Registration,
  SchoolClass,
  Student,
  StudentRequest,
  Teacher,
  Unit,
} from '@edusync/core'
import { DEFAULT_INPUT_LIMITS, entities, findLimitViolation, ParseError, parseRecord } from '@edusync/core'
import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import { defaultFieldMap } from '../map/default-field-map.ts'
import { defaultCurrencySymbols, minorDigits } from '../map/money.ts'
import type { FieldMap, FieldSpec, ModuleMap } from '../map/types.ts'
import { findModuleMap } from '../map/with-field-map.ts'
import type { ConvertContext, Converter } from './convert.ts'
import { compileField, FAILED } from './convert.ts'
import { noneAsNull } from './zoho-none.ts'

/** Canonical record type by entity name. */
export interface CanonicalRecords {
  student: Student
  teacher: Teacher
  program: Program
  unit: Unit
  class: SchoolClass
  enrollment: Enrollment
  registration: Registration
  payment: Payment
  grade: Grade
  request: StudentRequest
}

/** Any canonical record. */
export type CanonicalRecord = CanonicalRecords[CanonicalEntityName]

/** A compiled reader of one module: Zoho record in, canonical record or every issue out. */
export type ZohoReader<T = CanonicalRecord> = (record: unknown) => Result<T, ParseError>

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Options of {@link createZohoReader}. */
export interface ZohoReaderOptions {
  /**
   * Depth and text-length bounds checked on the raw Zoho record before it is read (a breach is an issue
   * with rule `max_depth` / `max_length` at the Zoho path). @default DEFAULT_INPUT_LIMITS
   */
  readonly limits?: InputLimits
}

/**
 * Compiles the reader of one module (do it once, use it for every record). `target` is a canonical entity
 * name (`"registration"`) or a Zoho module api_name (`"BTEC_Registrations"`); an unknown one throws.
 * The reader itself never throws: any input (hostile objects included) is `ok` or `err(ParseError)`.
 */
export function createZohoReader<K extends CanonicalEntityName>(
  target: K,
  fieldMap?: FieldMap,
  options?: ZohoReaderOptions,
): ZohoReader<CanonicalRecords[K]>
export function createZohoReader(target: string, fieldMap?: FieldMap, options?: ZohoReaderOptions): ZohoReader
export function createZohoReader(
  target: string,
  fieldMap: FieldMap = defaultFieldMap,
  options: ZohoReaderOptions = {},
): ZohoReader {
  const limits = options.limits ?? DEFAULT_INPUT_LIMITS
  const map = findModuleMap(fieldMap, target)
  if (!map)
    throw new TypeError(
      `no field map for "${target}" (known: ${Object.values(fieldMap.modules)
        .map((m) => `${m.entity}/${m.module}`)
        .join(', ')})`,
    )
  const definition = entities[map.entity] as EntityDefinition
  const symbols = fieldMap.currencySymbols ?? defaultCurrencySymbols
  const steps: { field: string; spec: FieldSpec; convert: Converter; whole: boolean }[] = Object.entries(
    map.fields,
  ).map(([field, spec]) => ({
    field,
    spec,
    convert: compileField(spec, symbols),
    whole: spec.kind === 'criteria',
  }))
  const currencyField = map.currencyField
  const defaultCurrency = fieldMap.defaultCurrency?.toUpperCase()
  const ctx: ConvertContext = {
    currency: defaultCurrency,
    fromRecord: false,
    missing: undefined,
    currencyField,
    symbols,
  }
  const issues: ParseIssue[] = []
  let lastCurrency: unknown
  const read: ZohoReader = (record) => {
    if (!isRecord(record)) {
      return err(
        new ParseError(map.entity, [
          {
            path: '',
            rule: 'invalid_type',
            message: `expected a ${map.module} record object`,
            received: record,
          },
        ]),
      )
    }
    const broken = findLimitViolation(record, limits)
    if (broken) {
      const top = broken.path.split('.')[0] ?? ''
      return err(
        new ParseError(map.entity, [{ ...broken, received: broken.path === '' ? record : record[top] }]),
      )
    }
    // A reader runs synchronously, so one context and one issue list serve every record (no garbage per
    // record on the valid path); issues are copied out when a record is invalid.
    if (currencyField) {
      // Records of a page mostly share a currency: resolve it only when it changes.
      const own = record[currencyField]
      if (own !== lastCurrency || typeof own !== 'string') {
        resolveRecordCurrency(ctx, map.module, currencyField, own)
        lastCurrency = own
      }
    }
    issues.length = 0
    let failed: Set<string> | undefined
    const candidate: Record<string, unknown> = {}
    for (const { field, spec, convert, whole } of steps) {
      const raw = whole ? record : noneAsNull(record[spec.zoho])
      if (raw === undefined) continue
      const value = convert(raw, ctx, spec.zoho, issues)
      if (value === FAILED) {
        failed ??= new Set()
        failed.add(field)
      } else if (value !== undefined) candidate[field] = value
    }
    const parsed = parseRecord(definition, candidate)
    if (parsed.isOk() && issues.length === 0) return ok(parsed.value as CanonicalRecord)
    if (parsed.isErr()) {
      for (const found of parsed.error.issues) {
        const top = found.path.split('.')[0] ?? ''
        if (failed?.has(top)) continue
        issues.push(toZohoIssue(found, map, record))
      }
    }
    const rawId = record.id
    const recordId = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : undefined
    return err(new ParseError(map.entity, issues.slice(), recordId))
  }
  return (record) => {
    try {
      return read(record)
    } catch (cause) {
      // A getter or Proxy of the input threw: an answer about this record, not an exception.
      const message = `the record could not be read: ${cause instanceof Error ? cause.message.slice(0, 200) : 'unreadable value'}`
      return err(new ParseError(map.entity, [{ path: '', rule: 'unreadable', message, received: undefined }]))
    }
  }
}

// In a module with a currency field every amount is in the record's currency. A record that does not
// carry a valid one gets no currency at all (not the tenant default: that is how a TRY payment of 1500
// would silently read as USD 1500), so its amounts without a marker are INVALID, saying why.
function resolveRecordCurrency(ctx: ConvertContext, module: string, field: string, raw: unknown): void {
  const own = noneAsNull(raw)
  const code = typeof own === 'string' ? own.trim().toUpperCase() : undefined
  if (code !== undefined && /^[A-Z]{3}$/.test(code) && minorDigits(code) !== undefined) {
    ctx.currency = code
    ctx.fromRecord = true
    ctx.missing = undefined
    return
  }
  const found =
    own === undefined
      ? 'absent from the record'
      : own === null
        ? 'empty'
        : `${JSON.stringify(own)}, not an ISO-4217 code`
  ctx.currency = undefined
  ctx.fromRecord = false
  ctx.missing = `no currency: ${module} amounts are in the record's own ${field}, which is ${found} (the tenant default currency is not assumed for a module with a currency field)`
}

// Core reports canonical paths (`paymentSchedule.1.dueDate`); a person fixes the Zoho record, so report
// its api_names (`Payment_Schedule.1.Due_Date`) and the raw value found there.
function toZohoIssue(found: ParseIssue, map: ModuleMap, record: Record<string, unknown>): ParseIssue {
  const [top = '', ...rest] = found.path.split('.')
  const spec = map.fields[top]
  if (!spec) {
    return {
      ...found,
      path: top,
      message: `${found.message}; the field map has no Zoho field for ${map.entity}.${top}`,
    }
  }
  if (spec.kind === 'subform' && rest.length >= 2) {
    const [index = '', rowField = ''] = rest
    const rowSpec = spec.rows?.[rowField]
    const row = (record[spec.zoho] as unknown[] | undefined)?.[Number(index)]
    const zoho = rowSpec?.zoho ?? rowField
    return {
      ...found,
      path: `${spec.zoho}.${index}.${zoho}`,
      received: isRecord(row) ? row[zoho] : undefined,
    }
  }
  if (spec.kind === 'subform' && rest.length === 1) {
    const row = (record[spec.zoho] as unknown[] | undefined)?.[Number(rest[0])]
    return { ...found, path: `${spec.zoho}.${rest[0]}`, received: row }
  }
  return { ...found, path: spec.zoho, received: record[spec.zoho] }
}

const readers = new WeakMap<FieldMap, Map<string, ZohoReader>>()

/**
 * Reads one Zoho record into its canonical entity, strictly: every problem is an issue with the Zoho
 * api_name path and the value received; `$` system keys and unmapped fields are ignored; nothing is
 * invented for a missing field.
 *
 * @param target a canonical entity name (`"registration"`) or Zoho module (`"BTEC_Registrations"`)
 * @param record the record as Zoho sent it
 * @param fieldMap the tenant's map @default defaultFieldMap
 *
 * @example
 * ```ts
 * const result = readZohoRecord('registration', zohoRecord, withFieldMap(defaultFieldMap, { defaultCurrency: 'USD' }))
 * if (result.isErr()) console.log(result.error.issues) // [{ path: 'Registration_Status', rule: 'picklist', ... }]
 * ```
 */
export function readZohoRecord<K extends CanonicalEntityName>(
  target: K,
  record: unknown,
  fieldMap?: FieldMap,
): Result<CanonicalRecords[K], ParseError>
export function readZohoRecord(
  target: string,
  record: unknown,
  fieldMap?: FieldMap,
): Result<CanonicalRecord, ParseError>
export function readZohoRecord(
  target: string,
  record: unknown,
  fieldMap: FieldMap = defaultFieldMap,
): Result<CanonicalRecord, ParseError> {
  let byTarget = readers.get(fieldMap)
  if (!byTarget) {
    byTarget = new Map()
    readers.set(fieldMap, byTarget)
  }
  let reader = byTarget.get(target)
  if (!reader) {
    reader = createZohoReader(target, fieldMap)
    byTarget.set(target, reader)
  }
  return reader(record)
}
