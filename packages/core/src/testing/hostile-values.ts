import * as fc from 'fast-check'

/** Keys that trip code treating an object as a dictionary (prototype pollution, shadowed methods). */
export const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'toJSON',
  'hasOwnProperty',
] as const

/** Text with NUL, lone surrogates, control characters and template-like fragments mixed in. */
export function hostileText(maxLength = 40): fc.Arbitrary<string> {
  const piece = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 8 }),
    fc.constantFrom('\u0000', '\uD800', '\uDC00', '\uFFFF', '\u2028', `\${!Leads.Id}`, '%', '\\', '"', '0'),
    fc.string({ maxLength: 8 }),
  )
  return fc.array(piece, { maxLength: Math.max(1, Math.ceil(maxLength / 4)) }).map((parts) => parts.join(''))
}

// A value nested `depth` levels deep around a leaf, alternating arrays and objects like real attacks do.
function nest(depth: number, leaf: unknown, arrays: boolean): unknown {
  let value = leaf
  for (let i = 0; i < depth; i++) value = arrays || i % 2 === 0 ? [value] : { a: value }
  return value
}

/** A value nested up to `maxDepth` levels (default beyond the 64 limit, up to 3,000). */
export function deepValue(maxDepth = 3_000): fc.Arbitrary<unknown> {
  // Mostly around the limit (where off-by-one bugs live), sometimes far beyond it.
  const depth = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0, max: Math.min(maxDepth, 130) }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: maxDepth }) },
  )
  return fc
    .tuple(depth, fc.jsonValue({ maxDepth: 1 }), fc.boolean())
    .map(([depth, leaf, arrays]) => nest(depth, leaf, arrays))
}

/** Strings far beyond any field limit (up to ~300,000 characters), cheap to generate. */
export function hugeText(): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom('x', '\u0000', '\uD83D\uDE00', '{', 'é'), fc.integer({ min: 1, max: 300_000 }))
    .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)))
}

// Objects a reader cannot take at face value: throwing getters, hostile Proxies, cycles, BigInts in
// null-prototype objects, prototype-named keys.
function trickyObject(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constant(null).map(() => {
      const o: Record<string, unknown> = { id: '1' }
      Object.defineProperty(o, 'firstName', {
        enumerable: true,
        get: () => {
          throw new Error('getter')
        },
      })
      return o
    }),
    fc.constant(null).map(
      () =>
        new Proxy(
          {},
          {
            ownKeys: () => {
              throw new Error('ownKeys')
            },
            get: () => {
              throw new Error('get')
            },
          },
        ),
    ),
    fc.constant(null).map(() => {
      const o: Record<string, unknown> = { id: 'c' }
      o.self = o
      o.list = [o]
      return o
    }),
    fc.bigInt().map((n) => Object.assign(Object.create(null) as object, { id: n, amount: { minor: n } })),
    fc
      .tuple(fc.constantFrom(...PROTOTYPE_KEYS), fc.jsonValue({ maxDepth: 2 }))
      .map(([key, value]) => JSON.parse(`{"id":"p",${JSON.stringify(key)}:${JSON.stringify(value)}}`)),
    fc.constant({ channel_id: { toString: 1 }, ids: ['1'] }),
  )
}

/**
 * Hostile inputs for property tests of readers and parsers: arbitrary JSON and values JSON cannot
 * represent, prototype keys, deep nesting, huge strings, NUL and lone surrogates, throwing getters,
 * Proxies and cycles. A reader's property is simply: it returns a Result and never throws.
 *
 * @example
 * ```ts
 * await checkProperty(fc.property(hostileValue(), (v) => { parseRecord(entities.student, v) }))
 * ```
 */
export function hostileValue(): fc.Arbitrary<unknown> {
  const text = hostileText()
  return fc.oneof(
    { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    {
      weight: 3,
      arbitrary: fc.anything({
        maxDepth: 3,
        key: fc.oneof(text, fc.constantFrom(...PROTOTYPE_KEYS)),
        values: [text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null)],
        withBigInt: true,
        withBoxedValues: true,
        withDate: true,
        withMap: true,
        withNullPrototype: true,
        withObjectString: true,
        withSet: true,
        withSparseArray: true,
        withTypedArray: true,
      }),
    },
    { weight: 1, arbitrary: deepValue() },
    { weight: 1, arbitrary: hugeText() },
    { weight: 2, arbitrary: trickyObject() },
    { weight: 2, arbitrary: fc.dictionary(fc.oneof(text, fc.constantFrom(...PROTOTYPE_KEYS)), text) },
  )
}

/** Record-shaped hostile values: objects whose fields are hostile (the common case for a record reader). */
export function hostileRecord(fieldNames: readonly string[]): fc.Arbitrary<unknown> {
  const names = fieldNames.length > 0 ? fieldNames : ['id']
  return fc.oneof(
    fc.dictionary(fc.oneof(fc.constantFrom(...names), fc.constantFrom(...PROTOTYPE_KEYS)), hostileValue(), {
      maxKeys: 8,
    }),
    hostileValue(),
  )
}

/** JSON text of hostile shapes: valid JSON, broken JSON, deeply nested brackets, huge arrays. */
export function hostileJsonText(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: hostileText(200) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 1, max: 3_000 }), fc.constantFrom('[', '{"a":', '[{"b":'))
        .map(([n, open]) => open.repeat(n)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 9_990, max: 10_010 }), fc.constantFrom('{},', '1,', '"x",', '[],'))
        .map(([n, item]) => `[${item.repeat(n)}0]`),
    },
    { weight: 1, arbitrary: deepValue().map((v) => JSON.stringify(v)) },
  )
}
