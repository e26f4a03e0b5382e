import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { seededEngine, stored, sync } from '../__fixtures__/engine.ts'
import { ABSENT, fieldValues, withField } from '../__fixtures__/field-values.ts'
import { sample } from '../__fixtures__/samples.ts'
import type { CanonicalEntityName } from '../index.ts'
import { entities, fingerprint } from '../index.ts'

const names = Object.keys(entities) as CanonicalEntityName[]

// The independent oracle: two canonical values are the same when they are deeply, strictly equal as
// plain JSON data (absent, null, "" and 0 all differ; key order and object prototypes do not matter).
const same = (a: unknown, b: unknown) =>
  a === ABSENT || b === ABSENT ? a === b : isDeepStrictEqual(structuredClone(a), structuredClone(b))

/** A value of `field` that differs from the sample's, chosen deterministically. */
function otherValue(name: CanonicalEntityName, field: string): unknown {
  const current = field in sample(name) ? sample(name)[field] : ABSENT
  const arb = fieldValues[name][field]
  if (!arb) throw new Error(`no values for ${name}.${field}`)
  const found = fc.sample(arb, { seed: 20260115, numRuns: 500 }).find((v) => !same(v, current))
  if (found === undefined) throw new Error(`no other value for ${name}.${field}`)
  return found
}

describe('field value fixtures', () => {
  it.each(names)('cover exactly the synced fields of %s', (name) => {
    expect(Object.keys(fieldValues[name]).sort()).toEqual([...entities[name].fields])
  })
})

describe.each(names.flatMap((name) => entities[name].fields.map((field) => ({ name, field }))))(
  '$name field $field changed alone',
  ({ name, field }) => {
    it('is UPDATED naming only that field, the new value is stored, and changing it back is UPDATED again', async () => {
      const { engine, store } = await seededEngine()
      const a = sample(name, 'r1')
      const b = withField(a, field, otherValue(name, field))
      await sync(engine, name, [a])

      const toB = await sync(engine, name, [b])
      expect(toB.outcomes).toEqual([
        { entity: name, index: 0, id: 'r1', status: 'UPDATED', changedFields: [field] },
      ])
      expect((await stored(store, name, 'r1'))?.data).toStrictEqual(structuredClone(b))

      const backToA = await sync(engine, name, [a])
      expect(backToA.outcomes).toEqual([
        { entity: name, index: 0, id: 'r1', status: 'UPDATED', changedFields: [field] },
      ])
      expect((await stored(store, name, 'r1'))?.data).toStrictEqual(structuredClone(a))
    })
  },
)

describe.each(names)('every synced field of %s (property)', (name) => {
  const fields = entities[name].fields
  const change = fc.constantFrom(...fields).chain((field) => {
    const arb = fieldValues[name][field] ?? fc.constant(ABSENT)
    return fc.record({ field: fc.constant(field), a: arb, b: arb })
  })

  it('A -> B is UPDATED naming exactly that field when B differs (UNCHANGED only when equal), and B -> A likewise', async () => {
    const { engine, store } = await seededEngine()
    let n = 0
    await fc.assert(
      fc.asyncProperty(change, async ({ field, a, b }) => {
        const id = `prop-${++n}`
        const recA = withField(sample(name, id), field, a)
        const recB = withField(sample(name, id), field, b)
        const expected = same(a, b)
          ? { entity: name, index: 0, id, status: 'UNCHANGED' }
          : { entity: name, index: 0, id, status: 'UPDATED', changedFields: [field] }

        expect((await sync(engine, name, [recA])).outcomes).toEqual([
          { entity: name, index: 0, id, status: 'NEW' },
        ])
        expect((await sync(engine, name, [recB])).outcomes).toEqual([expected])
        const afterB = await stored(store, name, id)
        expect(afterB?.data).toStrictEqual(structuredClone(recB))
        expect(afterB?.fingerprint).toBe(fingerprint(entities[name], recB))
        expect((await sync(engine, name, [recA])).outcomes).toEqual([expected])
        expect((await stored(store, name, id))?.data).toStrictEqual(structuredClone(recA))
      }),
      { numRuns: 150 },
    )
  })
})
