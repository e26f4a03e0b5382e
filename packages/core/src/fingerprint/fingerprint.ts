import { hash } from 'node:crypto'
import * as z from 'zod'
import type { EntityDefinition } from '../types/entity.ts'
import { canonicalJson } from './canonical-json.ts'
import { copierFor, declaresProto, MISMATCH, objectCopier } from './schema-serializer.ts'

/** A record fingerprint: 64 lower-case hex characters of SHA-256. */
export type Fingerprint = string

/**
 * The exact bytes a fingerprint is computed over, so another implementation can reproduce it:
 *
 * ```
 * <entity name> "@" <entity version> "\n" <canonical JSON of the synced fields>
 * ```
 *
 * The canonical JSON is an object holding every synced field of the *parsed* record (so money is integer
 * minor units with an upper-case currency, dates are `YYYY-MM-DD`, instants are UTC `toISOString()`),
 * keys sorted by UTF-16 code unit, nested objects likewise, arrays in their order, no whitespace (RFC 8785).
 * An absent field is omitted, `null` is `null`, `""` is `""` and `0` is `0`: all four fingerprint
 * differently, and strings are compared case-sensitively. The key (`id`) is not part of it.
 */
export function fingerprintInput(
  entity: EntityDefinition,
  record: Readonly<Record<string, unknown>>,
): string {
  return inputOf(entity, record, false)
}

function inputOf(
  entity: EntityDefinition,
  record: Readonly<Record<string, unknown>>,
  parsed: boolean,
): string {
  const plan = planFor(entity)
  const copy = parsed ? plan.copyParsed(record) : plan.copy(record)
  if (copy !== MISMATCH) return plan.head + JSON.stringify(copy)
  return plan.head + genericFields(entity, record)
}

// The reference implementation of the bytes documented above; the fast path must equal it.
function genericFields(entity: EntityDefinition, record: Readonly<Record<string, unknown>>): string {
  let out = '{'
  let first = true
  for (const field of entity.fields) {
    const value = record[field]
    if (value === undefined) continue
    out += `${first ? '' : ','}${JSON.stringify(field)}:${canonicalJson(value)}`
    first = false
  }
  return `${out}}`
}

interface Plan {
  readonly head: string
  /** For any value. */
  readonly copy: (record: unknown) => unknown
  /** For the output of the entity's own schema (no undeclared keys at any depth). */
  readonly copyParsed: (record: unknown) => unknown
  /** Per synced field, a copier for any value of it. */
  readonly fieldCopiers: ReadonlyMap<string, (value: unknown) => unknown>
  /** Whether the synced fields are every key of the schema but `id` (see {@link syncedJsonParsed}). */
  readonly keepsEveryField: boolean
}

const plans = new WeakMap<EntityDefinition, Plan>()

// The hot path: a copy of the synced fields with keys inserted in sorted order, specialised to the schema
// once per entity, then one native JSON.stringify (about twice as fast as serializing field by field).
// Values that do not have their schema's shape fall back to the generic serializer.
function planFor(entity: EntityDefinition): Plan {
  let plan = plans.get(entity)
  if (!plan) {
    const shape = entity.schema.shape as Readonly<Record<string, z.ZodType>>
    const synced = Object.fromEntries(entity.fields.map((f) => [f, shape[f] ?? z.unknown()]))
    plan = {
      head: `${entity.name}@${entity.version}\n`,
      copy: objectCopier(synced, false, true),
      copyParsed: objectCopier(synced, false, false),
      fieldCopiers: new Map(entity.fields.map((f) => [f, copierFor(synced[f] as z.ZodType, true)])),
      keepsEveryField:
        Object.keys(shape).every((key) => key === 'id' || entity.fields.includes(key)) &&
        !declaresProto(entity.schema),
    }
    plans.set(entity, plan)
  }
  return plan
}

/** SHA-256 (hex) of {@link fingerprintInput}: equal exactly when every synced field is equal. */
export function fingerprint(
  entity: EntityDefinition,
  record: Readonly<Record<string, unknown>>,
): Fingerprint {
  return hash('sha256', fingerprintInput(entity, record), 'hex')
}

/**
 * @internal {@link fingerprint} of a record that came out of `parseRecord(entity, ...)`: the same value,
 * computed without checking for undeclared nested keys (the schema's parser strips them).
 */
export function fingerprintParsed(
  entity: EntityDefinition,
  record: Readonly<Record<string, unknown>>,
): Fingerprint {
  return hash('sha256', inputOf(entity, record, true), 'hex')
}

/**
 * @internal The JSON text the fingerprint of a parsed record (`parseRecord(entity, ...)`'s output) hashes
 * after its head, or `undefined` when the record takes the generic path (a value without its schema's
 * shape) or the entity syncs fewer fields than its schema holds. When defined, `JSON.parse` of it plus
 * the record's `id` gives back the record as JSON would (every synced field, keys sorted), so a Store can
 * keep this one string instead of the record's objects. {@link fingerprintOfJson} of it equals
 * {@link fingerprintParsed} of the record.
 */
export function syncedJsonParsed(
  entity: EntityDefinition,
  record: Readonly<Record<string, unknown>>,
): string | undefined {
  const plan = planFor(entity)
  if (!plan.keepsEveryField) return undefined
  const copy = plan.copyParsed(record)
  return copy === MISMATCH ? undefined : JSON.stringify(copy)
}

/** @internal The fingerprint of a record whose {@link syncedJsonParsed} is `json`. */
export function fingerprintOfJson(entity: EntityDefinition, json: string): Fingerprint {
  return hash('sha256', planFor(entity).head + json, 'hex')
}

/**
 * Names of the synced fields whose values differ between two records (by canonical JSON, so `0`, `null`,
 * absent and `""` are all different, and key order inside nested values is irrelevant).
 */
export function changedFields(
  entity: EntityDefinition,
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): string[] {
  const plan = planFor(entity)
  return entity.fields.filter((field) => {
    const a = before[field]
    const b = after[field]
    if (a === undefined || b === undefined) return a !== b
    const aIsObject = typeof a === 'object' && a !== null
    const bIsObject = typeof b === 'object' && b !== null
    // Primitives serialize cheaply; an object never serializes like a primitive.
    if (!aIsObject || !bIsObject) return aIsObject !== bIsObject || canonicalJson(a) !== canonicalJson(b)
    return fieldJson(plan, field, a) !== fieldJson(plan, field, b)
  })
}

// Canonical JSON of one field's value: the schema-specialised copy when the value has its schema's
// shape (checking for undeclared keys: stored data may predate the schema), else the generic path.
function fieldJson(plan: Plan, field: string, value: unknown): string {
  const copy = plan.fieldCopiers.get(field)?.(value) ?? MISMATCH
  return copy === MISMATCH ? canonicalJson(value) : JSON.stringify(copy)
}

const FINGERPRINT = /^[0-9a-f]{64}$/

/** Whether a value has the shape of a {@link Fingerprint}. */
export function isFingerprint(value: unknown): value is Fingerprint {
  return typeof value === 'string' && FINGERPRINT.test(value)
}
