import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addsUp, seededEngine, stored, sync } from '../__fixtures__/engine.ts'
import { sample } from '../__fixtures__/samples.ts'

describe('duplicate ids in one batch', () => {
  it('syncs the last occurrence and reports each earlier one INVALID with rule duplicate_in_batch', async () => {
    const { engine, store } = await seededEngine()
    const batch = [
      { ...sample('payment', 'dup'), note: 'first' },
      sample('payment', 'other'),
      { ...sample('payment', 'dup'), note: 'second' },
      { ...sample('payment', 'dup'), note: 'third' },
    ]

    const result = await sync(engine, 'payment', batch)

    expect(result.outcomes.map((o) => [o.index, o.status])).toEqual([
      [0, 'INVALID'],
      [1, 'NEW'],
      [2, 'INVALID'],
      [3, 'NEW'],
    ])
    const first = result.outcomes[0]
    if (first?.status !== 'INVALID') throw new Error('expected INVALID')
    expect(first.issues).toEqual([
      expect.objectContaining({ path: 'id', rule: 'duplicate_in_batch', received: 'dup' }),
    ])
    expect(first.message).toContain('superseded by the record at index 2')
    expect(result.outcomes[2]).toMatchObject({ message: expect.stringContaining('index 3') })
    expect((await stored(store, 'payment', 'dup'))?.data).toMatchObject({ note: 'third' })
    expect(result.counts).toMatchObject({ total: 4, new: 2, invalid: 2 })
  })

  it('treats ids that coerce to the same string as duplicates', async () => {
    const { engine, store } = await seededEngine()
    const result = await sync(engine, 'teacher', [
      { id: 42, name: 'As a number' },
      { id: ' 42 ', name: 'As a padded string' },
    ])
    expect(result.outcomes.map((o) => o.status)).toEqual(['INVALID', 'NEW'])
    expect((await stored(store, 'teacher', '42'))?.data).toMatchObject({ name: 'As a padded string' })
  })

  it('does not count an invalid record as an occurrence of its id', async () => {
    const { engine, store } = await seededEngine()
    const result = await sync(engine, 'teacher', [
      { id: 't', name: 'Valid' },
      { id: 't', name: '' },
    ])
    expect(result.outcomes.map((o) => o.status)).toEqual(['NEW', 'INVALID'])
    expect((await stored(store, 'teacher', 't'))?.data).toMatchObject({ name: 'Valid' })
  })

  it('always stores the last valid occurrence and counts add up (property)', async () => {
    const { engine, store } = await seededEngine()
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 12 }),
        async (ids) => {
          run++
          const batch = ids.map((id, i) => ({ id: `${run}-${id}`, name: `version ${i}` }))
          const result = await sync(engine, 'teacher', batch)
          expect(addsUp(result.counts)).toBe(true)
          expect(result.counts.new).toBe(new Set(ids).size)
          expect(result.counts.invalid).toBe(ids.length - new Set(ids).size)
          for (const id of new Set(ids)) {
            const last = ids.lastIndexOf(id)
            expect((await stored(store, 'teacher', `${run}-${id}`))?.data).toMatchObject({
              name: `version ${last}`,
            })
            expect(result.outcomes[last]?.status).toBe('NEW')
          }
        },
      ),
      { numRuns: 50 },
    )
  })
})
