import { describe, expect, it } from 'vitest'
import { addsUp, seededEngine, stored, sync, TENANT } from '../__fixtures__/engine.ts'
import { createFaultyStore } from '../__fixtures__/faulty-store.ts'
import { sample } from '../__fixtures__/samples.ts'
import type { RecordWrite } from '../index.ts'
import { createMemoryStore, createSyncEngine, entities, fingerprint } from '../index.ts'

// A small school whose records all reference each other, listed children first.
const school = {
  payment: [{ ...sample('payment', 'pay-1'), registrationId: 'reg-1', studentId: 'stu-1' }],
  grade: [{ ...sample('grade', 'grd-1'), studentId: 'stu-1', classId: 'cls-1' }],
  registration: [{ ...sample('registration', 'reg-1'), studentId: 'stu-1', programId: 'prg-1' }],
  enrollment: [{ ...sample('enrollment', 'enr-1'), studentId: 'stu-1', classId: 'cls-1' }],
  class: [{ ...sample('class', 'cls-1'), unitId: 'unt-1', programId: 'prg-1', teacherId: 'tch-1' }],
  student: [{ ...sample('student', 'stu-1'), programId: 'prg-1' }],
  unit: [{ ...sample('unit', 'unt-1'), programId: 'prg-1' }],
  teacher: [sample('teacher', 'tch-1')],
  program: [sample('program', 'prg-1')],
}

describe('syncAll', () => {
  it('syncs parents before children, so records referencing each other are all NEW', async () => {
    const engine = createSyncEngine({ store: createMemoryStore() })

    const result = (await engine.syncAll({ tenant: TENANT, batches: school }))._unsafeUnwrap()

    expect(result.order).toEqual([
      'program',
      'student',
      'registration',
      'payment',
      'teacher',
      'unit',
      'class',
      'enrollment',
      'grade',
    ])
    expect(result.counts).toEqual({
      total: 9,
      new: 9,
      unchanged: 0,
      updated: 0,
      invalid: 0,
      deferred: 0,
      error: 0,
      deleted: 0,
      restored: 0,
    })
    for (const [entity, batch] of result.results)
      expect(
        batch.outcomes.map((o) => o.status),
        entity,
      ).toEqual(['NEW'])
  })

  it('counts replays in its total and stays consistent when a child arrives before its parent batch', async () => {
    const { engine } = await seededEngine()
    await sync(engine, 'payment', [{ ...sample('payment', 'early'), registrationId: 'reg-late' }])

    const result = (
      await engine.syncAll({
        tenant: TENANT,
        batches: { registration: [sample('registration', 'reg-late')], teacher: [{ id: 'bad', name: '' }] },
      })
    )._unsafeUnwrap()

    expect(result.results.get('registration')?.replayed).toEqual([
      expect.objectContaining({ entity: 'payment', id: 'early', status: 'NEW' }),
    ])
    expect(result.counts).toMatchObject({ total: 3, new: 2, invalid: 1 })
    expect(addsUp(result.counts)).toBe(true)
  })

  it('rejects an unknown entity before writing anything', async () => {
    const store = createFaultyStore()
    const engine = createSyncEngine({ store })
    const result = await engine.syncAll({
      tenant: TENANT,
      batches: { program: school.program, invoice: [{}] },
    })
    expect(result._unsafeUnwrapErr().reason).toBe('UnknownEntity')
    expect(store.calls).toEqual([])
  })

  it('stops at the entity whose batch fails, naming it, with the counts of the entities before it', async () => {
    const store = createFaultyStore()
    const engine = createSyncEngine({ store })
    store.failOn('applyBatch', 'Unavailable', { after: 2 })

    const error = (await engine.syncAll({ tenant: TENANT, batches: school }))._unsafeUnwrapErr()

    expect(error.reason).toBe('Store')
    expect(error.message).toMatch(/^registration: /)
    expect(error.completed).toMatchObject({ total: 2, new: 2 })
    expect((await store.inner.countRecords(TENANT, 'registration'))._unsafeUnwrap()).toBe(0)
    expect((await store.inner.countRecords(TENANT, 'student'))._unsafeUnwrap()).toBe(1)
  })
})

describe('replayParked', () => {
  it('replays children whose parents were written by another path', async () => {
    const { engine, store } = await seededEngine()
    await sync(engine, 'payment', [{ ...sample('payment', 'orphan'), registrationId: 'reg-elsewhere' }])
    const parent = sample('registration', 'reg-elsewhere')
    const write: RecordWrite = {
      id: 'reg-elsewhere',
      fingerprint: fingerprint(entities.registration, parent),
      data: parent,
    }
    ;(
      await store.applyBatch(TENANT, 'registration', { upserts: [write], park: [], unpark: [] })
    )._unsafeUnwrap()

    const replayed = (await engine.replayParked(TENANT))._unsafeUnwrap()

    expect(replayed).toEqual([expect.objectContaining({ entity: 'payment', id: 'orphan', status: 'NEW' })])
    expect(await stored(store, 'payment', 'orphan')).toBeDefined()
    expect((await store.listParked(TENANT))._unsafeUnwrap()).toEqual([])
    expect((await engine.replayParked(TENANT))._unsafeUnwrap()).toEqual([])
  })

  it('leaves records whose parents are still missing parked, and can be limited to one entity', async () => {
    const { engine, store } = await seededEngine()
    await sync(engine, 'payment', [{ ...sample('payment', 'waiting'), registrationId: 'never' }])
    await sync(engine, 'grade', [{ ...sample('grade', 'g'), classId: 'cls-elsewhere' }])
    const parent = { ...sample('class', 'cls-elsewhere') }
    const write: RecordWrite = {
      id: 'cls-elsewhere',
      fingerprint: fingerprint(entities.class, parent),
      data: parent,
    }
    ;(await store.applyBatch(TENANT, 'class', { upserts: [write], park: [], unpark: [] }))._unsafeUnwrap()

    expect((await engine.replayParked(TENANT, { entity: 'payment' }))._unsafeUnwrap()).toEqual([])
    expect((await engine.replayParked(TENANT, { entity: 'grade' }))._unsafeUnwrap()).toEqual([
      expect.objectContaining({ id: 'g', status: 'NEW' }),
    ])
    expect((await store.listParked(TENANT))._unsafeUnwrap().map((p) => p.id)).toEqual(['waiting'])
  })

  it('replays a chain in one call: the parent unblocks a child, which unblocks a grandchild', async () => {
    const { engine, store } = await seededEngine()
    await sync(engine, 'payment', [
      { ...sample('payment', 'grandchild'), registrationId: 'reg-c', studentId: null },
    ])
    await sync(engine, 'registration', [{ ...sample('registration', 'reg-c'), studentId: 'stu-c' }])

    const result = await sync(engine, 'student', [sample('student', 'stu-c')])

    expect(result.replayed.map((o) => [o.entity, o.id, o.status])).toEqual([
      ['registration', 'reg-c', 'NEW'],
      ['payment', 'grandchild', 'NEW'],
    ])
    expect((await store.listParked(TENANT))._unsafeUnwrap()).toEqual([])
  })
})
