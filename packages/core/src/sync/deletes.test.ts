import { describe, expect, it } from 'vitest'
import { seededEngine, statuses, stored, sync, TENANT } from '../__fixtures__/engine.ts'
import { pool, sample } from '../__fixtures__/samples.ts'
import { createMemoryStore } from '../store/memory-store.ts'
import { createSyncEngine } from './sync-engine.ts'

const del = (entity: string, ids: readonly unknown[], reason = 'removed in the CRM') => ({
  tenant: TENANT,
  entity,
  ids,
  source: 'zoho',
  reason,
})

describe('deleteBatch', () => {
  it('tombstones live records (DELETED), keeps their data, and deleting again is UNCHANGED', async () => {
    const { store, engine } = await seededEngine()
    await sync(engine, 'unit', [sample('unit', 'u-extra')])
    const first = (await engine.deleteBatch(del('unit', ['u-extra'])))._unsafeUnwrap()
    expect(first.outcomes).toEqual([
      {
        status: 'DELETED',
        index: 0,
        entity: 'unit',
        id: 'u-extra',
        source: 'zoho',
        reason: 'removed in the CRM',
      },
    ])
    expect(first.counts).toEqual({ total: 1, deleted: 1, unchanged: 0, invalid: 0, quarantined: 0 })
    expect(await stored(store, 'unit', 'u-extra')).toBeUndefined()
    const tombstone = (await store.readTombstones(TENANT, 'unit', ['u-extra']))._unsafeUnwrap().get('u-extra')
    expect(tombstone?.data).toEqual(sample('unit', 'u-extra'))
    const again = (await engine.deleteBatch(del('unit', ['u-extra'])))._unsafeUnwrap()
    expect(statuses(again.outcomes)).toEqual(['UNCHANGED'])
  })

  it('reports unknown ids UNCHANGED, bad and repeated ids INVALID, one outcome per input in order', async () => {
    const { engine } = await seededEngine()
    await sync(engine, 'unit', [sample('unit', 'u-1'), sample('unit', '42')])
    const result = (
      await engine.deleteBatch(del('unit', ['u-1', 'ghost', '', 'u-1', 42, { id: 1 }]))
    )._unsafeUnwrap()
    expect(statuses(result.outcomes)).toEqual([
      'DELETED',
      'UNCHANGED',
      'INVALID',
      'INVALID',
      'DELETED',
      'INVALID',
    ])
    const rules = result.outcomes.map((o) => (o.status === 'INVALID' ? o.issues[0]?.rule : null))
    expect(rules).toEqual([null, null, 'invalid_id', 'duplicate_in_batch', null, 'invalid_id'])
    expect(result.outcomes.map((o) => o.index)).toEqual([0, 1, 2, 3, 4, 5])
    expect(result.counts).toEqual({ total: 6, deleted: 2, unchanged: 1, invalid: 3, quarantined: 0 })
  })

  it('refuses an id no Store can hold (a NUL character) as INVALID and deletes the others', async () => {
    const { engine } = await seededEngine()
    await sync(engine, 'unit', [sample('unit', 'u-1')])
    const result = (await engine.deleteBatch(del('unit', ['bad\u0000id', 'u-1'])))._unsafeUnwrap()
    expect(statuses(result.outcomes)).toEqual(['INVALID', 'DELETED'])
    const refused = result.outcomes[0]
    expect(refused?.status === 'INVALID' && refused.issues[0]).toMatchObject({
      rule: 'nul_character',
      received: 'bad\\u0000id',
    })
  })

  it('a deleted record synced again is RESTORED, with the data it arrives with', async () => {
    const { store, engine } = await seededEngine()
    await sync(engine, 'unit', [sample('unit', 'u-1')])
    await engine.deleteBatch(del('unit', ['u-1']))
    const back = await sync(engine, 'unit', [{ ...sample('unit', 'u-1'), name: 'Renamed unit' }])
    expect(statuses(back.outcomes)).toEqual(['RESTORED'])
    expect((await stored(store, 'unit', 'u-1'))?.data.name).toBe('Renamed unit')
    expect(
      statuses((await sync(engine, 'unit', [{ ...sample('unit', 'u-1'), name: 'Renamed unit' }])).outcomes),
    ).toEqual(['UNCHANGED'])
  })

  it('refuses to delete a parent with live children under policy "refuse", naming them; nothing is deleted', async () => {
    const { store, engine } = await seededEngine()
    const [withRegistrations, alone] = [pool.student[0], pool.student[1]]
    const result = (await engine.deleteBatch(del('student', [withRegistrations, alone])))._unsafeUnwrap()
    expect(statuses(result.outcomes)).toEqual(['INVALID', 'DELETED'])
    const refused = result.outcomes[0]
    if (refused?.status !== 'INVALID') throw new Error('expected INVALID')
    expect(refused.issues[0]).toMatchObject({
      path: 'id',
      rule: 'has_live_references',
      received: withRegistrations,
    })
    expect(refused.message).toContain(`registration ${pool.registration[0]}`)
    expect(refused.message).toContain('"refuse"')
    expect(await stored(store, 'student', withRegistrations)).toBeDefined()
    expect((await store.countRecords(TENANT, 'registration'))._unsafeUnwrap()).toBe(3)
  })

  it('cascades to live children under policy "cascade" (a class takes its enrollments), in one atomic write', async () => {
    const { store, engine } = await seededEngine()
    await sync(engine, 'enrollment', [sample('enrollment', 'e-1'), sample('enrollment', 'e-2')])
    const result = (
      await engine.deleteBatch(del('class', [pool.class[0]], 'class cancelled'))
    )._unsafeUnwrap()
    expect(statuses(result.outcomes)).toEqual(['DELETED'])
    expect(result.cascaded.map((o) => [o.status, o.entity, o.id])).toEqual([
      ['DELETED', 'enrollment', 'e-1'],
      ['DELETED', 'enrollment', 'e-2'],
    ])
    const child = result.cascaded[0]
    expect(child?.status === 'DELETED' && child.cascadedFrom).toEqual({ entity: 'class', id: pool.class[0] })
    expect((await store.countRecords(TENANT, 'enrollment'))._unsafeUnwrap()).toBe(0)
    const tombstone = (await store.readTombstones(TENANT, 'enrollment', ['e-1']))._unsafeUnwrap().get('e-1')
    expect(tombstone?.reason).toContain(`cascade: class ${pool.class[0]} deleted`)
  })

  it('a refusing grandchild refuses the whole chain; a full cascade tombstones every level and keeps the data', async () => {
    const store = createMemoryStore()
    const seed = await seededEngine(store)
    // The payment references the registration, but another student: only the registration leads to it.
    await sync(seed.engine, 'payment', [{ ...sample('payment', 'pay-1'), studentId: pool.student[1] }])
    const student = pool.student[0]

    const partly = createSyncEngine({ store, deletePolicies: { student: 'cascade' } })
    const refused = (await partly.deleteBatch(del('student', [student])))._unsafeUnwrap()
    expect(statuses(refused.outcomes)).toEqual(['INVALID'])
    expect(refused.outcomes[0]?.status === 'INVALID' && refused.outcomes[0].message).toContain(
      'payment pay-1',
    )
    expect((await store.countRecords(TENANT, 'registration'))._unsafeUnwrap()).toBe(3)

    const all = createSyncEngine({ store, deletePolicies: { student: 'cascade', registration: 'cascade' } })
    const done = (await all.deleteBatch(del('student', [student])))._unsafeUnwrap()
    expect(statuses(done.outcomes)).toEqual(['DELETED'])
    expect(done.cascaded.map((o) => `${o.entity}:${o.id}`).sort()).toEqual(
      [...pool.registration.map((id) => `registration:${id}`), 'payment:pay-1'].sort(),
    )
    // Never hard-deleted: the student and its payment are tombstones holding their last data.
    expect(
      (await store.readTombstones(TENANT, 'payment', ['pay-1']))._unsafeUnwrap().get('pay-1')?.data,
    ).toEqual({ ...sample('payment', 'pay-1'), studentId: pool.student[1] })
    expect(
      (await store.readRecords(TENANT, 'student', [student], { includeDeleted: true }))
        ._unsafeUnwrap()
        .get(student)?.deletedAt,
    ).toBeInstanceOf(Date)
  })

  it('parked records waiting for a deleted record are tombstoned with it and reported', async () => {
    const { store, engine } = await seededEngine()
    // A registration parked for a student that never came, and a payment parked for that registration.
    const registration = { ...sample('registration', 'r-new'), studentId: 's-missing' }
    const payment = { ...sample('payment', 'pay-new'), registrationId: 'r-new' }
    expect(statuses((await sync(engine, 'registration', [registration])).outcomes)).toEqual(['DEFERRED'])
    expect(statuses((await sync(engine, 'payment', [payment])).outcomes)).toEqual(['DEFERRED'])
    const result = (await engine.deleteBatch(del('registration', ['r-new'])))._unsafeUnwrap()
    expect(statuses(result.outcomes)).toEqual(['DELETED'])
    expect(result.orphanedParked).toEqual([
      { entity: 'payment', id: 'pay-new', waitingFor: [{ entity: 'registration', id: 'r-new' }] },
    ])
    expect((await store.listParked(TENANT))._unsafeUnwrap()).toEqual([])
    expect(
      (await store.readTombstones(TENANT, 'payment', ['pay-new']))._unsafeUnwrap().get('pay-new')?.reason,
    ).toContain('was parked waiting for deleted registration r-new')
  })

  it('a record arriving for a deleted parent is INVALID (references_deleted), not parked forever', async () => {
    const { store, engine } = await seededEngine()
    await sync(engine, 'unit', [sample('unit', 'u-1')])
    await engine.deleteBatch(del('unit', ['u-1']))
    const klass = { ...sample('class', 'c-new'), unitId: 'u-1' }
    const result = await sync(engine, 'class', [klass])
    expect(statuses(result.outcomes)).toEqual(['INVALID'])
    const outcome = result.outcomes[0]
    expect(outcome?.status === 'INVALID' && outcome.issues[0]).toMatchObject({
      path: 'unitId',
      rule: 'references_deleted',
      received: 'u-1',
    })
    expect((await store.listParked(TENANT))._unsafeUnwrap()).toEqual([])
  })

  it('deletions are visible to outbound pushes: DELETED outcomes, and the tombstone feed since a cursor', async () => {
    const { store, engine } = await seededEngine()
    await sync(engine, 'enrollment', [sample('enrollment', 'e-1')])
    const before = new Date()
    await engine.deleteBatch(del('enrollment', ['e-1'], 'Moodle enrollment_deleted'))
    const feed = (await store.listTombstones(TENANT, { entity: 'enrollment', since: before }))._unsafeUnwrap()
    expect(feed.map((t) => [t.id, t.source, t.reason])).toEqual([
      ['e-1', 'zoho', 'Moodle enrollment_deleted'],
    ])
    expect(feed[0]?.data.studentId).toBe(pool.student[0])
  })
})

describe('the mass-deletion guard', () => {
  async function withPrograms(
    count: number,
    options: Parameters<typeof createSyncEngine>[0] | undefined = undefined,
  ) {
    const store = createMemoryStore()
    const engine = createSyncEngine(options ? { ...options, store } : { store })
    const records = Array.from({ length: count }, (_, i) => ({
      ...sample('program', `p-${i}`),
      code: `P${i}`,
    }))
    await sync(engine, 'program', records)
    return { store, engine, ids: records.map((_, i) => `p-${i}`) }
  }

  it('lets small deletions through and quarantines a wave over 5% of live records, deleting nothing', async () => {
    const { store, engine, ids } = await withPrograms(200)
    const small = (await engine.deleteBatch(del('program', ids.slice(0, 3))))._unsafeUnwrap()
    expect(statuses(small.outcomes)).toEqual(['DELETED', 'DELETED', 'DELETED'])
    const wave = (await engine.deleteBatch(del('program', ids.slice(3, 23))))._unsafeUnwrap()
    expect(wave.counts).toEqual({ total: 20, deleted: 0, unchanged: 0, invalid: 0, quarantined: 20 })
    expect(wave.quarantine).toMatchObject({ status: 'pending', entity: 'program', ids: ids.slice(3, 23) })
    expect(wave.quarantine?.guardReason).toBe(
      'would delete 20 of 197 live program records in one run (limit 9: 5% of live records, at most 100, at least 5)',
    )
    expect(wave.outcomes[0]).toMatchObject({ status: 'QUARANTINED', quarantineId: wave.quarantine?.id })
    expect((await store.countRecords(TENANT, 'program'))._unsafeUnwrap()).toBe(197)
    const pending = (await store.listQuarantine(TENANT, { status: 'pending' }))._unsafeUnwrap()
    expect(pending.map((q) => q.id)).toEqual([wave.quarantine?.id])
    expect(pending[0]?.planned).toHaveLength(20)
  })

  it('applies a quarantined wave on approval, exactly once', async () => {
    const { store, engine, ids } = await withPrograms(100)
    const wave = (await engine.deleteBatch(del('program', ids.slice(0, 50))))._unsafeUnwrap().quarantine
    if (!wave) throw new Error('expected a quarantine')
    const approved = (await engine.approveDeletions(TENANT, wave.id))._unsafeUnwrap()
    expect(approved.counts).toMatchObject({ deleted: 50, quarantined: 0 })
    expect((await store.countRecords(TENANT, 'program'))._unsafeUnwrap()).toBe(50)
    expect((await store.getQuarantine(TENANT, wave.id))._unsafeUnwrap()?.status).toBe('approved')
    const again = await engine.approveDeletions(TENANT, wave.id)
    expect(again._unsafeUnwrapErr().reason).toBe('Quarantine')
    expect(again._unsafeUnwrapErr().message).toContain('approved, not pending')
  })

  it('discards a wave: nothing is deleted, and it can no longer be approved', async () => {
    const { store, engine, ids } = await withPrograms(100)
    const wave = (await engine.deleteBatch(del('program', ids.slice(0, 50))))._unsafeUnwrap().quarantine
    if (!wave) throw new Error('expected a quarantine')
    expect((await engine.discardDeletions(TENANT, wave.id))._unsafeUnwrap().status).toBe('discarded')
    expect((await engine.approveDeletions(TENANT, wave.id))._unsafeUnwrapErr().reason).toBe('Quarantine')
    expect((await engine.discardDeletions(TENANT, 'no-such-wave'))._unsafeUnwrapErr().reason).toBe(
      'Quarantine',
    )
    expect((await store.countRecords(TENANT, 'program'))._unsafeUnwrap()).toBe(100)
  })

  it('counts cascaded children against their own entity', async () => {
    const store = createMemoryStore()
    const seed = await seededEngine(store)
    const enrollments = Array.from({ length: 40 }, (_, i) => sample('enrollment', `e-${i}`))
    await sync(seed.engine, 'enrollment', enrollments)
    const result = (await seed.engine.deleteBatch(del('class', [pool.class[0]])))._unsafeUnwrap()
    expect(statuses(result.outcomes)).toEqual(['QUARANTINED'])
    expect(result.quarantine?.guardReason).toContain('would delete 40 of 40 live enrollment records')
    expect(result.quarantine?.planned).toHaveLength(41)
  })

  it('takes limits per tenant and entity, and can be switched off', async () => {
    const per = (tenant: string, entity: string) =>
      tenant === TENANT && entity === 'program' ? { maxShare: 0.5, maxCount: 1000 } : undefined
    const tuned = await withPrograms(100, { store: createMemoryStore(), deletionGuard: { per } })
    const ids = tuned.ids
    expect(
      (await tuned.engine.deleteBatch(del('program', ids.slice(0, 50))))._unsafeUnwrap().counts.deleted,
    ).toBe(50)
    const off = await withPrograms(10, { store: createMemoryStore(), deletionGuard: false })
    expect((await off.engine.deleteBatch(del('program', off.ids)))._unsafeUnwrap().counts.deleted).toBe(10)
  })
})
