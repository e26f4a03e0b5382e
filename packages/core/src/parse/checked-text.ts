/**
 * @internal Writes whose text the engine has already checked: upserts built from records `prepareBatch`
 * parsed and found free of NUL characters and lone surrogates (values and keys, at every depth). A
 * Store's write check (`unsafeTextInWrite`) then skips walking their data a second time.
 *
 * Skipping is sound only when nothing can change the data between the check and the write. The data
 * object is created by the parser and held only by the engine until the write; but a schema may hand
 * back parts of the input itself (`z.unknown()`, a loose object's extra keys, a transform's result), and
 * the caller still holds the input. So the engine builds a {@link CheckedWrite} only for entities whose
 * schema builds every object and array of its output afresh (see {@link buildsFreshOutput}); any other
 * write (a caller's own, a copy, one from another bundle of this package) is walked in full, so the
 * guarantee is unchanged. A class rather than a registry of checked objects: `instanceof` costs nothing,
 * while a WeakSet of every record measured ~15% of an unchanged pass.
 */
import type * as z from 'zod'
import type { RecordWrite } from '../store/store.ts'

/** An upsert the engine built from data it parsed and text-checked (see the file comment). */
export class CheckedWrite implements RecordWrite {
  readonly id: string
  readonly fingerprint: string
  readonly data: Readonly<Record<string, unknown>>
  /**
   * `data` without its `id`, as the JSON text its fingerprint hashed (`syncedJsonParsed`), when that
   * text holds all of it: `JSON.parse(json)` plus `id` equals `data` as JSON would carry it. The memory
   * Store keeps this one string instead of `data`'s objects.
   */
  readonly json: string | undefined
  constructor(
    id: string,
    fingerprint: string,
    data: Readonly<Record<string, unknown>>,
    json: string | undefined = undefined,
  ) {
    this.id = id
    this.fingerprint = fingerprint
    this.data = data
    this.json = json
  }
}

const fresh = new WeakMap<z.ZodType, boolean>()

/** {@link buildsFreshOutput}, computed once per schema. */
export function trustsParsedText(schema: z.ZodType): boolean {
  let isFresh = fresh.get(schema)
  if (isFresh === undefined) {
    isFresh = buildsFreshOutput(schema)
    fresh.set(schema, isFresh)
  }
  return isFresh
}

// Output types that hold no object the input could share (a Date holds no text, so sharing one is fine).
const PRIMITIVE = new Set([
  'string',
  'number',
  'int',
  'boolean',
  'bigint',
  'enum',
  'literal',
  'null',
  'undefined',
  'nan',
  'date',
  'template_literal',
])
const WRAPPER = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'])

/**
 * Whether every object and array in the output of `schema` is built by zod (never the input's own): true
 * for primitives, arrays and strict or stripping objects of such, and pipes whose output schema is such.
 * Anything else (`unknown`, `any`, records, a transform's output, a loose object) is answered false.
 */
export function buildsFreshOutput(schema: z.ZodType): boolean {
  const def = schema._zod.def as {
    type: string
    innerType?: z.ZodType
    out?: z.ZodType
    element?: z.ZodType
    shape?: Record<string, z.ZodType>
    catchall?: z.ZodType
  }
  if (PRIMITIVE.has(def.type)) return true
  if (WRAPPER.has(def.type)) return def.innerType !== undefined && buildsFreshOutput(def.innerType)
  if (def.type === 'pipe') return def.out !== undefined && buildsFreshOutput(def.out)
  if (def.type === 'array') return def.element !== undefined && buildsFreshOutput(def.element)
  if (def.type === 'object') {
    if (def.catchall !== undefined && def.catchall._zod.def.type !== 'never') return false
    return Object.values(def.shape ?? {}).every(buildsFreshOutput)
  }
  return false
}
