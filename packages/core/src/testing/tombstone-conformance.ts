import { expect } from 'vitest'
import type { Store } from '../store/store.ts'
import type { DeleteWrite } from '../store/tombstones.ts'
import { createSyncEngine } from '../sync/sync-engine.ts'
import { conformanceData, fp, T1, T2 } from './conformance-data.ts'

type Test = (title: string, body: () => Promise<void>) => void

const del = (id: string, entity = 'student', source = 'zoho', reason = 'Zoho delete notification') =>
  ({ entity, id, source, reason }) satisfies DeleteWrite

const none = { park: [], unpark: [] }

/**
 * @internal The tombstone part of the conformance suite (issue 20), kept in its own file; run by
 * `describeStoreConformance` with its `test` and the current Store.
 */
export function tombstoneConformance(test: Test, current: () => Store): void {
  test('applyDeletes tombstones a live record: default reads leave it out, includeDeleted and readTombstones keep its last data', async () => {
    const store = current()
    const { a, b } = conformanceData
    await store.applyBatch(T1, 'student', { upserts: [a, b], ...none })
    expect((await store.applyDeletes(T1, [del(a.id)]))._unsafeUnwrap()).toEqual(['deleted'])

    expect((await store.readFingerprints(T1, 'student', [a.id, b.id]))._unsafeUnwrap().has(a.id)).toBe(false)
    expect([...(await store.readRecords(T1, 'student', [a.id, b.id]))._unsafeUnwrap().keys()]).toEqual([b.id])
    const found = (await store.existingIds(T1, [{ entity: 'student', ids: [a.id, b.id] }]))._unsafeUnwrap()
    expect([...(found.get('student') ?? [])]).toEqual([b.id])
    expect((await store.countRecords(T1, 'student'))._unsafeUnwrap()).toBe(1)
    expect((await store.listRecordIds(T1, 'student'))._unsafeUnwrap()).toEqual([b.id])

    const withDeleted = (
      await store.readRecords(T1, 'student', [a.id, b.id], { includeDeleted: true })
    )._unsafeUnwrap()
    expect(withDeleted.get(a.id)?.data).toEqual(a.data)
    expect(withDeleted.get(a.id)?.deletedAt).toBeInstanceOf(Date)
    expect(withDeleted.get(b.id)?.deletedAt).toBeUndefined()

    const tombstone = (await store.readTombstones(T1, 'student', [a.id, b.id]))._unsafeUnwrap()
    expect([...tombstone.keys()]).toEqual([a.id])
    expect(tombstone.get(a.id)).toMatchObject({
      entity: 'student',
      id: a.id,
      fingerprint: a.fingerprint,
      data: a.data,
      source: 'zoho',
      reason: 'Zoho delete notification',
    })
    expect(tombstone.get(a.id)?.deletedAt).toBeInstanceOf(Date)
  })

  test('applyDeletes again is already_deleted and keeps the first deletion; an unknown id is missing', async () => {
    const store = current()
    const { a } = conformanceData
    await store.applyBatch(T1, 'student', { upserts: [a], ...none })
    await store.applyDeletes(T1, [del(a.id)])
    const first = (await store.readTombstones(T1, 'student', [a.id]))._unsafeUnwrap().get(a.id)
    await new Promise((resolve) => setTimeout(resolve, 5))
    const again = (
      await store.applyDeletes(T1, [del(a.id, 'student', 'admin', 'again'), del('ghost')])
    )._unsafeUnwrap()
    expect(again).toEqual(['already_deleted', 'missing'])
    const second = (await store.readTombstones(T1, 'student', [a.id, 'ghost']))._unsafeUnwrap()
    expect(second.get(a.id)).toEqual(first)
    expect(second.has('ghost')).toBe(false)
  })

  test('applyBatch restores a tombstone, even with an equal fingerprint; a second write is unchanged', async () => {
    const store = current()
    const { a, b } = conformanceData
    await store.applyBatch(T1, 'student', { upserts: [a, b], ...none })
    await store.applyDeletes(T1, [del(a.id), del(b.id)])
    const changedB = { ...b, fingerprint: fp('b-restored'), data: { ...b.data, lastName: 'Back' } }
    const effects = (
      await store.applyBatch(T1, 'student', { upserts: [a, changedB], ...none })
    )._unsafeUnwrap()
    expect(Object.fromEntries(effects)).toEqual({ [a.id]: 'restored', [b.id]: 'restored' })
    expect((await store.readTombstones(T1, 'student', [a.id, b.id]))._unsafeUnwrap().size).toBe(0)
    const live = (await store.readRecords(T1, 'student', [a.id, b.id]))._unsafeUnwrap()
    expect(live.get(b.id)?.data).toEqual(changedB.data)
    expect(live.get(a.id)?.deletedAt).toBeUndefined()
    expect((await store.countRecords(T1, 'student'))._unsafeUnwrap()).toBe(2)
    const again = (await store.applyBatch(T1, 'student', { upserts: [a], ...none }))._unsafeUnwrap()
    expect(again.get(a.id)).toBe('unchanged')
  })

  test('applyDeletes turns a parked-only record into a tombstone of its parked data and drops parked versions', async () => {
    const store = current()
    const { parkedPayment, a } = conformanceData
    await store.applyBatch(T1, 'payment', { upserts: [], park: [parkedPayment], unpark: [] })
    // A live student with a newer version parked (waiting for a program): the delete drops both.
    await store.applyBatch(T1, 'student', { upserts: [a], ...none })
    const newerA = {
      id: a.id,
      fingerprint: fp('a-v2'),
      data: { ...a.data, programId: 'prog-x' },
      waitingFor: [{ entity: 'program', id: 'prog-x' }],
    }
    await store.applyBatch(T1, 'student', { upserts: [], park: [newerA], unpark: [] })
    const effects = (
      await store.applyDeletes(T1, [
        del(parkedPayment.id, 'payment', 'quickbooks', 'payment reversed'),
        del(a.id),
      ])
    )._unsafeUnwrap()
    expect(effects).toEqual(['deleted', 'deleted'])
    expect((await store.listParked(T1))._unsafeUnwrap()).toEqual([])
    expect((await store.parkedWaitingFor(T1, 'registration', ['reg-1']))._unsafeUnwrap()).toEqual([])
    const payment = (await store.readTombstones(T1, 'payment', [parkedPayment.id]))
      ._unsafeUnwrap()
      .get(parkedPayment.id)
    expect(payment).toMatchObject({
      data: parkedPayment.data,
      fingerprint: parkedPayment.fingerprint,
      source: 'quickbooks',
    })
    const student = (await store.readTombstones(T1, 'student', [a.id]))._unsafeUnwrap().get(a.id)
    expect(student?.data).toEqual(a.data)
    expect((await store.countRecords(T1, 'payment'))._unsafeUnwrap()).toBe(0)
  })

  test('applyDeletes writes nothing when one delete is invalid', async () => {
    const store = current()
    const { a, b, program } = conformanceData
    await store.applyBatch(T1, 'student', { upserts: [a, b], ...none })
    await store.applyBatch(T1, 'program', { upserts: [program], ...none })
    const result = await store.applyDeletes(T1, [
      del(a.id),
      del(program.id, 'program'),
      { ...del(b.id), reason: '' },
    ])
    expect(result._unsafeUnwrapErr().reason).toBe('Invalid')
    expect((await store.countRecords(T1, 'student'))._unsafeUnwrap()).toBe(2)
    expect((await store.countRecords(T1, 'program'))._unsafeUnwrap()).toBe(1)
    expect((await store.listTombstones(T1))._unsafeUnwrap()).toEqual([])
  })

  test('applyDeletes and quarantineDeletes refuse text no Store can hold, writing nothing', async () => {
    const store = current()
    const { a } = conformanceData
    await store.applyBatch(T1, 'student', { upserts: [a], ...none })
    const nul = await store.applyDeletes(T1, [del(a.id), { ...del('x'), reason: 'bad \u0000 reason' }])
    expect(nul._unsafeUnwrapErr().reason).toBe('Invalid')
    const surrogate = await store.applyDeletes(T1, [del('\ud800')])
    expect(surrogate._unsafeUnwrapErr().reason).toBe('Invalid')
    expect((await store.countRecords(T1, 'student'))._unsafeUnwrap()).toBe(1)
    const wave = await store.quarantineDeletes(T1, {
      entity: 'student',
      ids: [a.id],
      source: 'zoho',
      reason: 'bad \u0000',
      guardReason: 'x',
      planned: [],
    })
    expect(wave._unsafeUnwrapErr().reason).toBe('Invalid')
    expect((await store.listQuarantine(T1))._unsafeUnwrap()).toEqual([])
  })

  test('listTombstones is the deletion feed: oldest first, by entity and since; a restored record leaves it', async () => {
    const store = current()
    const { a, b, program } = conformanceData
    await store.applyBatch(T1, 'student', { upserts: [a, b], ...none })
    await store.applyBatch(T1, 'program', { upserts: [program], ...none })
    await store.applyDeletes(T1, [del(b.id), del(program.id, 'program')])
    await new Promise((resolve) => setTimeout(resolve, 10))
    await store.applyDeletes(T1, [del(a.id)])
    const all = (await store.listTombstones(T1))._unsafeUnwrap()
    expect(all.map((t) => [t.entity, t.id])).toEqual([
      ['program', program.id],
      ['student', b.id],
      ['student', a.id],
    ])
    const since = all[2]?.deletedAt ?? new Date()
    expect((await store.listTombstones(T1, { since }))._unsafeUnwrap().map((t) => t.id)).toEqual([a.id])
    expect((await store.listTombstones(T1, { entity: 'program' }))._unsafeUnwrap().map((t) => t.id)).toEqual([
      program.id,
    ])
    expect((await store.listTombstones(T1, { limit: 1 }))._unsafeUnwrap()).toHaveLength(1)
    await store.applyBatch(T1, 'student', { upserts: [b], ...none })
    expect((await store.listTombstones(T1, { entity: 'student' }))._unsafeUnwrap().map((t) => t.id)).toEqual([
      a.id,
    ])
  })

  test('listRecordIds pages live ids in code-unit order', async () => {
    const store = current()
    const upserts = ['b', 'a', 'C', 'c', 'a2'].map((id) => ({ id, fingerprint: fp(id), data: { id } }))
    await store.applyBatch(T1, 'student', { upserts, ...none })
    await store.applyDeletes(T1, [del('c')])
    expect((await store.listRecordIds(T1, 'student', { limit: 2 }))._unsafeUnwrap()).toEqual(['C', 'a'])
    expect((await store.listRecordIds(T1, 'student', { afterId: 'a', limit: 10 }))._unsafeUnwrap()).toEqual([
      'a2',
      'b',
    ])
    expect((await store.listRecordIds(T2, 'student'))._unsafeUnwrap()).toEqual([])
  })

  test('findReferencing finds live children by field, for several entities in one call', async () => {
    const store = current()
    await store.applyBatch(T1, 'registration', {
      upserts: [
        { id: 'r-1', fingerprint: fp('r-1'), data: { studentId: 's-1', programId: 'p-1' } },
        { id: 'r-2', fingerprint: fp('r-2'), data: { studentId: 's-2', programId: 'p-1' } },
        { id: 'r-3', fingerprint: fp('r-3'), data: { studentId: 's-1', programId: 'p-2' } },
      ],
      ...none,
    })
    await store.applyBatch(T1, 'payment', {
      upserts: [{ id: 'pay-1', fingerprint: fp('pay-1'), data: { studentId: 's-1', registrationId: 'r-1' } }],
      ...none,
    })
    await store.applyDeletes(T1, [del('r-3', 'registration')])
    const found = (
      await store.findReferencing(T1, [
        { entity: 'registration', field: 'studentId', ids: ['s-1', 's-9'] },
        { entity: 'payment', field: 'studentId', ids: ['s-1'] },
      ])
    )._unsafeUnwrap()
    const sorted = [...found].sort((x, y) => (x.id < y.id ? -1 : 1))
    expect(sorted).toEqual([
      { entity: 'payment', id: 'pay-1', field: 'studentId', references: 's-1' },
      { entity: 'registration', id: 'r-1', field: 'studentId', references: 's-1' },
    ])
    expect(
      (
        await store.findReferencing(T2, [{ entity: 'registration', field: 'studentId', ids: ['s-1'] }])
      )._unsafeUnwrap(),
    ).toEqual([])
  })

  test('quarantineDeletes holds a wave; discardQuarantine and an approving applyDeletes resolve it exactly once', async () => {
    const store = current()
    const { a, b } = conformanceData
    await store.applyBatch(T1, 'student', { upserts: [a, b], ...none })
    const wave = {
      entity: 'student',
      ids: [a.id, b.id],
      source: 'full-pull',
      reason: 'absent from a complete zoho pull of student',
      guardReason: 'would delete 2 of 2 live student records',
      planned: [del(a.id, 'student', 'full-pull', 'absent'), del(b.id, 'student', 'full-pull', 'absent')],
    }
    const held = (await store.quarantineDeletes(T1, wave))._unsafeUnwrap()
    expect(held).toMatchObject({ ...wave, status: 'pending', resolvedAt: null })
    expect(held.createdAt).toBeInstanceOf(Date)
    expect((await store.getQuarantine(T1, held.id))._unsafeUnwrap()).toEqual(held)
    const other = (await store.quarantineDeletes(T1, { ...wave, ids: [a.id] }))._unsafeUnwrap()
    expect((await store.listQuarantine(T1, { status: 'pending' }))._unsafeUnwrap().map((q) => q.id)).toEqual([
      held.id,
      other.id,
    ])

    const discarded = (await store.discardQuarantine(T1, other.id))._unsafeUnwrap()
    expect(discarded).toMatchObject({ id: other.id, status: 'discarded' })
    expect(discarded.resolvedAt).toBeInstanceOf(Date)
    expect((await store.discardQuarantine(T1, other.id))._unsafeUnwrapErr().reason).toBe('Invalid')
    // An approval of a discarded wave writes nothing.
    expect(
      (await store.applyDeletes(T1, [del(a.id)], { approveQuarantine: other.id }))._unsafeUnwrapErr().reason,
    ).toBe('Invalid')
    expect((await store.countRecords(T1, 'student'))._unsafeUnwrap()).toBe(2)

    const applied = (
      await store.applyDeletes(T1, wave.planned, { approveQuarantine: held.id })
    )._unsafeUnwrap()
    expect(applied).toEqual(['deleted', 'deleted'])
    expect((await store.getQuarantine(T1, held.id))._unsafeUnwrap()?.status).toBe('approved')
    expect((await store.applyDeletes(T1, [], { approveQuarantine: held.id }))._unsafeUnwrapErr().reason).toBe(
      'Invalid',
    )
    expect((await store.listQuarantine(T1, { status: 'pending' }))._unsafeUnwrap()).toEqual([])
    expect((await store.listQuarantine(T1))._unsafeUnwrap()).toHaveLength(2)
    expect((await store.getQuarantine(T2, held.id))._unsafeUnwrap()).toBeNull()
    expect((await store.discardQuarantine(T2, held.id))._unsafeUnwrapErr().reason).toBe('Invalid')
  })

  test('tenant isolation: tombstones and quarantine are per tenant', async () => {
    const store = current()
    const { a } = conformanceData
    await store.applyBatch(T1, 'student', { upserts: [a], ...none })
    await store.applyBatch(T2, 'student', { upserts: [a], ...none })
    expect((await store.applyDeletes(T1, [del(a.id)]))._unsafeUnwrap()).toEqual(['deleted'])
    expect((await store.countRecords(T2, 'student'))._unsafeUnwrap()).toBe(1)
    expect((await store.readTombstones(T2, 'student', [a.id]))._unsafeUnwrap().size).toBe(0)
    expect((await store.listTombstones(T2))._unsafeUnwrap()).toEqual([])
    expect((await store.listQuarantine(T2))._unsafeUnwrap()).toEqual([])
    expect((await store.applyDeletes(T2, [del('ghost')]))._unsafeUnwrap()).toEqual(['missing'])
  })

  test('concurrency: a delete racing an update of one record ends in one state that matches both effects', async () => {
    const store = current()
    const { a } = conformanceData
    for (let round = 0; round < 20; round++) {
      const id = `race-${round}`
      await store.applyBatch(T1, 'student', { upserts: [{ ...a, id }], ...none })
      const update = { id, fingerprint: fp(`race-v2-${round}`), data: { ...a.data, lastName: `v2-${round}` } }
      const [written, deleted] = await Promise.all([
        store.applyBatch(T1, 'student', { upserts: [update], ...none }),
        store.applyDeletes(T1, [del(id)]),
      ])
      const effect = written._unsafeUnwrap().get(id)
      expect(deleted._unsafeUnwrap()).toEqual(['deleted'])
      const live = (await store.readRecords(T1, 'student', [id]))._unsafeUnwrap().get(id)
      const tombstone = (await store.readTombstones(T1, 'student', [id]))._unsafeUnwrap().get(id)
      // Exactly one of: live (the delete went first, the update restored it) or tombstone (update first).
      expect(live === undefined).not.toBe(tombstone === undefined)
      if (effect === 'restored') expect(live?.data).toEqual(update.data)
      else {
        expect(effect).toBe('updated')
        expect(tombstone?.data).toEqual(update.data)
        expect(tombstone?.fingerprint).toBe(update.fingerprint)
      }
    }
  })

  test('engine: delete is DELETED, again UNCHANGED, and the record synced again is RESTORED', async () => {
    const store = current()
    const engine = createSyncEngine({ store })
    const record = conformanceData.programInput
    await engine.syncBatch({ tenant: T1, entity: 'program', records: [record] })
    const first = (
      await engine.deleteBatch({
        tenant: T1,
        entity: 'program',
        ids: [record.id],
        source: 'admin',
        reason: 'closed',
      })
    )._unsafeUnwrap()
    expect(first.outcomes.map((o) => o.status)).toEqual(['DELETED'])
    const again = (
      await engine.deleteBatch({
        tenant: T1,
        entity: 'program',
        ids: [record.id],
        source: 'admin',
        reason: 'closed',
      })
    )._unsafeUnwrap()
    expect(again.outcomes.map((o) => o.status)).toEqual(['UNCHANGED'])
    const back = (
      await engine.syncBatch({ tenant: T1, entity: 'program', records: [record] })
    )._unsafeUnwrap()
    expect(back.outcomes.map((o) => o.status)).toEqual(['RESTORED'])
    expect(back.counts).toMatchObject({ total: 1, restored: 1 })
    expect((await store.countRecords(T1, 'program'))._unsafeUnwrap()).toBe(1)
  })
}
