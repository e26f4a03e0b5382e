import { describe, expect, it } from 'vitest'
import { addsUp, seededEngine, stored, sync, TENANT } from '../__fixtures__/engine.ts'
import { sample } from '../__fixtures__/samples.ts'
import type { CanonicalEntityName } from '../index.ts'
import { entities } from '../index.ts'

const names = Object.keys(entities) as CanonicalEntityName[]
const withRefs = names.filter((n) => Object.keys(entities[n].references).length > 0)

// One invalid version per entity: the field broken, the bad value, and words of the rule's message.
const invalid: Record<CanonicalEntityName, { field: string; value: unknown; rule: string; says: string }> = {
  student: {
    field: 'birthDate',
    value: '15/01/2026',
    rule: 'iso_date',
    says: 'expected a calendar date YYYY-MM-DD',
  },
  teacher: {
    field: 'email',
    value: 'emre.kaya-at-example',
    rule: 'invalid_format',
    says: 'expected an e-mail',
  },
  program: { field: 'name', value: '   ', rule: 'too_small', says: 'expected a non-empty string' },
  unit: { field: 'programId', value: 2 ** 60, rule: 'invalid_type', says: 'not a safe integer' },
  class: { field: 'status', value: 'open', rule: 'invalid_value', says: 'active' },
  enrollment: { field: 'endDate', value: '2026-02-30', rule: 'iso_date', says: 'YYYY-MM-DD' },
  registration: { field: 'registrationDate', value: '15/01/2026', rule: 'iso_date', says: 'YYYY-MM-DD' },
  payment: { field: 'installmentNumber', value: 1.5, rule: 'invalid_type', says: 'integer' },
  grade: { field: 'grade', value: 'A', rule: 'invalid_value', says: 'D' },
  request: { field: 'requestDate', value: '2026-01-14', rule: 'iso_instant', says: 'ISO-8601 date-time' },
}

// A synced free-text field of each entity, to make an UPDATED version.
const editable: Record<CanonicalEntityName, string> = {
  student: 'phone',
  teacher: 'phone',
  program: 'major',
  unit: 'level',
  class: 'term',
  enrollment: 'code',
  registration: 'intake',
  payment: 'method',
  grade: 'feedback',
  request: 'description',
}

describe.each(names)('syncBatch of %s', (name) => {
  it('reports a new record NEW, stores it, then reports the same record UNCHANGED', async () => {
    const { engine, store } = await seededEngine()
    const record = sample(name, 'rec-1')
    const before = (await store.countRecords(TENANT, name))._unsafeUnwrap()

    const first = await sync(engine, name, [record])
    expect(first.outcomes).toEqual([{ entity: name, index: 0, id: 'rec-1', status: 'NEW' }])
    expect((await stored(store, name, 'rec-1'))?.data).toStrictEqual(record)

    const again = await sync(engine, name, [structuredClone(record)])
    expect(again.outcomes).toEqual([{ entity: name, index: 0, id: 'rec-1', status: 'UNCHANGED' }])
    expect((await store.countRecords(TENANT, name))._unsafeUnwrap()).toBe(before + 1)
  })

  it('reports an invalid record INVALID naming field, rule and value, and stores the rest of the batch', async () => {
    const { engine, store } = await seededEngine()
    const bad = invalid[name]
    const batch = [
      sample(name, 'ok-1'),
      { ...sample(name, 'bad-1'), [bad.field]: bad.value },
      sample(name, 'ok-2'),
    ]

    const result = await sync(engine, name, batch)

    expect(result.outcomes.map((o) => o.status)).toEqual(['NEW', 'INVALID', 'NEW'])
    const outcome = result.outcomes[1]
    if (outcome?.status !== 'INVALID') throw new Error('expected INVALID')
    expect(outcome.id).toBe('bad-1')
    expect(outcome.issues).toEqual([
      expect.objectContaining({ path: bad.field, rule: bad.rule, received: bad.value }),
    ])
    expect(outcome.message).toContain(`invalid ${name} bad-1: ${bad.field}: `)
    expect(outcome.message).toContain(bad.says)
    expect(outcome.message).toContain(`(received ${JSON.stringify(bad.value)})`)
    expect(await stored(store, name, 'ok-1')).toBeDefined()
    expect(await stored(store, name, 'ok-2')).toBeDefined()
    expect(await stored(store, name, 'bad-1')).toBeUndefined()
    expect(result.counts).toEqual({
      total: 3,
      new: 2,
      unchanged: 0,
      updated: 0,
      invalid: 1,
      deferred: 0,
      error: 0,
      deleted: 0,
      restored: 0,
    })
  })

  it('returns a batch summary that adds up over every kind of outcome', async () => {
    const { engine } = await seededEngine()
    await sync(engine, name, [sample(name, 'same'), sample(name, 'changed')])
    const bad = invalid[name]
    const refs = Object.keys(entities[name].references)
    const batch = [
      sample(name, 'same'),
      { ...sample(name, 'changed'), [editable[name]]: 'edited in the CRM' },
      sample(name, 'fresh'),
      { ...sample(name, 'broken'), [bad.field]: bad.value },
      ...(refs[0] ? [{ ...sample(name, 'early'), [refs[0]]: 'not-yet-synced' }] : []),
    ]

    const result = await sync(engine, name, batch)

    expect(result.counts).toEqual({
      total: batch.length,
      new: 1,
      unchanged: 1,
      updated: 1,
      invalid: 1,
      deferred: refs.length > 0 ? 1 : 0,
      error: 0,
      deleted: 0,
      restored: 0,
    })
    expect(addsUp(result.counts)).toBe(true)
    expect(result.outcomes.map((o) => o.index)).toEqual(batch.map((_, i) => i))
    expect(result.outcomes[1]).toMatchObject({ status: 'UPDATED', changedFields: [editable[name]] })
  })
})

describe('entities without references', () => {
  it('are exactly teacher and program, so DEFERRED cannot happen to them', () => {
    expect(names.filter((n) => !withRefs.includes(n))).toEqual(['teacher', 'program'])
  })
})

describe.each(
  withRefs.flatMap((name) =>
    Object.entries(entities[name].references).map(([field, parent]) => ({ name, field, parent })),
  ),
)('a $name whose $field ($parent) is missing', ({ name, field, parent }) => {
  it('is DEFERRED and parked, then replayed as NEW when the parent arrives', async () => {
    const { engine, store } = await seededEngine()
    const child = { ...sample(name, 'child-1'), [field]: 'parent-late' }

    const deferred = await sync(engine, name, [child])

    expect(deferred.outcomes).toEqual([
      {
        entity: name,
        index: 0,
        id: 'child-1',
        status: 'DEFERRED',
        waitingFor: [{ entity: parent, id: 'parent-late' }],
      },
    ])
    expect(deferred.counts.deferred).toBe(1)
    expect(await stored(store, name, 'child-1')).toBeUndefined()
    const parked = (await store.listParked(TENANT))._unsafeUnwrap()
    expect(parked).toEqual([
      expect.objectContaining({
        entity: name,
        id: 'child-1',
        data: child,
        waitingFor: [{ entity: parent, id: 'parent-late' }],
      }),
    ])

    const arrival = await sync(engine, parent, [sample(parent as CanonicalEntityName, 'parent-late')])

    expect(arrival.outcomes.map((o) => o.status)).toEqual(['NEW'])
    expect(arrival.replayed).toEqual([
      expect.objectContaining({ entity: name, id: 'child-1', status: 'NEW' }),
    ])
    expect(arrival.replayedCounts).toMatchObject({ total: 1, new: 1 })
    expect((await stored(store, name, 'child-1'))?.data).toStrictEqual(child)
    expect((await store.listParked(TENANT))._unsafeUnwrap()).toEqual([])
  })
})
