import { describe, expect, it } from 'vitest'
import { seededEngine, stored, sync, TENANT } from '../__fixtures__/engine.ts'
import { sample } from '../__fixtures__/samples.ts'
import { fingerprint } from '../fingerprint/fingerprint.ts'
import { createMemoryStore, entities, parseRecord } from '../index.ts'

// The memory Store keeps a record the engine parsed as the JSON text its fingerprint hashed, and every
// other write as the object it was given; either way no caller can reach stored state through a read, a
// write's input or a record handed to the engine.
describe('memory Store: stored state is its own', () => {
  it('reads back what the engine parsed, and a mutated read or input changes nothing stored', async () => {
    const { engine, store } = await seededEngine()
    const input = sample('registration')
    const parsed = parseRecord(entities.registration, input)._unsafeUnwrap()
    expect((await sync(engine, 'registration', [input])).counts.new).toBe(1)

    const first = await stored(store, 'registration', parsed.id)
    expect(first?.data).toEqual(JSON.parse(JSON.stringify(parsed)))
    expect(first?.fingerprint).toBe(fingerprint(entities.registration, parsed))

    // Mutate everything a caller could hold: the read copy (top level and nested) and the input.
    const data = first?.data as Record<string, unknown>
    data.status = 'withdrawn'
    ;(data.paymentSchedule as Record<string, unknown>[]).length = 0
    ;(input as Record<string, unknown>).status = 'frozen'

    const again = await stored(store, 'registration', parsed.id)
    expect(again?.data).toEqual(JSON.parse(JSON.stringify(parsed)))
    expect(again?.data).not.toBe(first?.data)
    // The same record synced again is UNCHANGED: the stored fingerprint and data were not touched.
    expect((await sync(engine, 'registration', [sample('registration')])).counts.unchanged).toBe(1)
  })

  it('keeps a direct write of a plain object isolated from the caller as well', async () => {
    const store = createMemoryStore()
    const data = { id: 'r1', nested: { list: [1, 2] } }
    const fp = 'a'.repeat(64)
    ;(
      await store.applyBatch(TENANT, 'thing', {
        upserts: [{ id: 'r1', fingerprint: fp, data }],
        park: [],
        unpark: [],
      })
    )._unsafeUnwrap()
    const read = (await store.readRecords(TENANT, 'thing', ['r1']))._unsafeUnwrap().get('r1')
    ;(read?.data.nested as { list: number[] }).list.push(3)
    const again = (await store.readRecords(TENANT, 'thing', ['r1']))._unsafeUnwrap().get('r1')
    expect(again?.data).toEqual({ id: 'r1', nested: { list: [1, 2] } })
  })

  it('answers field lookups and keeps tombstones of records kept as text', async () => {
    const { engine, store } = await seededEngine()
    const input = sample('registration')
    const parsed = parseRecord(entities.registration, input)._unsafeUnwrap()
    await sync(engine, 'registration', [input])

    const referencing = (
      await store.findReferencing(TENANT, [
        { entity: 'registration', field: 'studentId', ids: [parsed.studentId] },
      ])
    )._unsafeUnwrap()
    expect(referencing).toContainEqual({
      entity: 'registration',
      id: parsed.id,
      field: 'studentId',
      references: parsed.studentId,
    })
    // A second lookup reads the same answer (the first one kept the parse of the row).
    expect(
      (
        await store.findReferencing(TENANT, [
          { entity: 'registration', field: 'studentId', ids: [parsed.studentId] },
        ])
      )._unsafeUnwrap(),
    ).toEqual(referencing)

    const deleted = (
      await store.applyDeletes(TENANT, [
        { entity: 'registration', id: parsed.id, source: 'test', reason: 'removed upstream' },
      ])
    )._unsafeUnwrap()
    expect(deleted).toEqual(['deleted'])
    const tombstone = (await store.readTombstones(TENANT, 'registration', [parsed.id]))
      ._unsafeUnwrap()
      .get(parsed.id)
    expect(tombstone?.data).toEqual(JSON.parse(JSON.stringify(parsed)))
    ;(tombstone?.data as Record<string, unknown>).code = 'changed'
    const again = (await store.readTombstones(TENANT, 'registration', [parsed.id]))
      ._unsafeUnwrap()
      .get(parsed.id)
    expect(again?.data).toEqual(JSON.parse(JSON.stringify(parsed)))
  })
})
