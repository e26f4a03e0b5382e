import type * as z from 'zod'

/**
 * Copies a value into a fresh value whose object keys are inserted in sorted order, so that one native
 * `JSON.stringify` of the copy yields exactly the canonical JSON of the value. Returns {@link MISMATCH}
 * when the value does not have the shape the schema promises; the caller then uses the generic path.
 */
type Copier = (value: unknown) => unknown

/** Returned (anywhere in a copy) when a value does not have its schema's shape. */
export const MISMATCH: unique symbol = Symbol('mismatch')

interface Def {
  readonly type: string
  readonly shape?: Readonly<Record<string, z.ZodType>>
  readonly catchall?: z.ZodType
  readonly element?: z.ZodType
  readonly innerType?: z.ZodType
  readonly out?: z.ZodType
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def

// Integer-like keys ("0", "12") are enumerated before other keys by every JS engine, whatever the
// insertion order, so an object with one cannot be serialized in sorted order by JSON.stringify.
const INDEX_LIKE = /^(0|[1-9]\d*)$/

const primitive: Copier = (v) =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : MISMATCH
const string: Copier = (v) => (typeof v === 'string' ? v : MISMATCH)
const number: Copier = (v) => (typeof v === 'number' ? v : MISMATCH)
const boolean: Copier = (v) => (typeof v === 'boolean' ? v : MISMATCH)

/**
 * Builds a {@link Copier} specialised to a schema's output shape; object keys are sorted once, here.
 * `strict`: nested objects holding keys their schema does not declare are a mismatch. Only values that
 * did not come out of the schema's own parser can hold such keys (it strips them), so the engine, which
 * fingerprints parsed records, skips that check.
 */
export function copierFor(schema: z.ZodType, strict: boolean): Copier {
  const def = defOf(schema)
  switch (def.type) {
    case 'string':
    case 'enum':
      return string
    case 'number':
      return number
    case 'boolean':
      return boolean
    case 'nullable': {
      const inner = copierFor(def.innerType as z.ZodType, strict)
      return (v) => (v === null ? null : inner(v))
    }
    case 'optional':
      return copierFor(def.innerType as z.ZodType, strict)
    case 'pipe':
      // The output of a pipe is the output of its last stage (a preprocess or a validating pipe).
      return copierFor(def.out as z.ZodType, strict)
    case 'array':
      return arrayCopier(copierFor(def.element as z.ZodType, strict))
    case 'object':
      return def.catchall === undefined ? objectCopier(def.shape ?? {}, strict, strict) : primitive
    default:
      // Unknown output shape (a transform, a union, ...): primitives serialize the same either way;
      // anything structured takes the generic path.
      return primitive
  }
}

function arrayCopier(element: Copier): Copier {
  return (v) => {
    if (!Array.isArray(v)) return MISMATCH
    const out: unknown[] = new Array(v.length)
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i]
      if (item === undefined) {
        out[i] = null
        continue
      }
      const copy = element(item)
      if (copy === MISMATCH) return MISMATCH
      out[i] = copy
    }
    return out
  }
}

/**
 * Copies the declared keys of an object in sorted order. With `strict`, an object holding a key the
 * schema does not declare is a mismatch (its canonical JSON would include that key); `nestedStrict`
 * is the same for the objects inside it.
 */
export function objectCopier(
  shape: Readonly<Record<string, z.ZodType>>,
  strict: boolean,
  nestedStrict: boolean,
): Copier {
  const keys = Object.keys(shape).sort()
  if (keys.some((k) => INDEX_LIKE.test(k))) return (v) => (v === null || typeof v !== 'object' ? v : MISMATCH)
  const copiers = keys.map((k) => copierFor(shape[k] as z.ZodType, nestedStrict))
  return generatedCopier(keys, copiers, strict) ?? closureCopier(keys, copiers, strict)
}

// An object literal with a fixed key order gets one hidden class, which native JSON.stringify
// serializes about twice as fast as an object built key by key; so the copier is generated once per
// object schema (as zod's own compiled parsers are). Where code generation is not allowed (a CSP), or a
// key cannot be written in a literal, the closure below does the same, more slowly.
function generatedCopier(
  keys: readonly string[],
  copiers: readonly Copier[],
  strict: boolean,
): Copier | undefined {
  if (keys.includes('__proto__')) return undefined
  const lines = keys.map(
    (key, i) =>
      `let x${i} = v[${JSON.stringify(key)}]; if (x${i} !== undefined) { x${i} = c[${i}](x${i}); if (x${i} === M) return M; n++ }`,
  )
  const check = strict
    ? 'let p = 0; for (const k in v) if (hasOwn(v, k) && v[k] !== undefined) p++; if (p !== n) return M;'
    : ''
  const literal = keys.map((key, i) => `${JSON.stringify(key)}: x${i}`).join(', ')
  const source = `return (v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return M;
    let n = 0;
    ${lines.join('\n    ')}
    ${check}
    return { ${literal} };
  }`
  try {
    return new Function('M', 'hasOwn', 'c', source)(MISMATCH, Object.hasOwn, copiers) as Copier
  } catch {
    return undefined
  }
}

function closureCopier(keys: readonly string[], copiers: readonly Copier[], strict: boolean): Copier {
  return (v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return MISMATCH
    const record = v as Record<string, unknown>
    const out: Record<string, unknown> = {}
    let written = 0
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string
      const item = record[key]
      if (item === undefined) continue
      const copy = (copiers[i] as Copier)(item)
      if (copy === MISMATCH) return MISMATCH
      out[key] = copy
      written++
    }
    if (strict) {
      let present = 0
      for (const key in record) if (Object.hasOwn(record, key) && record[key] !== undefined) present++
      if (present !== written) return MISMATCH
    }
    return out
  }
}

/**
 * Whether an object schema anywhere in `schema`'s output declares a `__proto__` key: a copy cannot hold
 * it as an own key (assigning it sets the prototype), so such a record cannot round-trip through one.
 */
export function declaresProto(schema: z.ZodType): boolean {
  const def = defOf(schema)
  switch (def.type) {
    case 'nullable':
    case 'optional':
      return declaresProto(def.innerType as z.ZodType)
    case 'pipe':
      return declaresProto(def.out as z.ZodType)
    case 'array':
      return declaresProto(def.element as z.ZodType)
    case 'object':
      return Object.entries(def.shape ?? {}).some(
        ([key, value]) => key === '__proto__' || declaresProto(value),
      )
    default:
      return false
  }
}
