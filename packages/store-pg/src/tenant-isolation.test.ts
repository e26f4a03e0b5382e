import { createSyncEngine } from '@edusync/core'
import { afterAll, describe, expect, it } from 'vitest'
import type { EngineName } from '../test/fixtures.ts'
import { storeFactory } from '../test/fixtures.ts'

// Tenants that share every id and external id: each must only ever see its own.
describe.each<EngineName>(['pg', 'pglite-memory'])('tenant isolation (%s)', (engine) => {
  const stores = storeFactory(engine)
  afterAll(() => stores.dispose())

  it('reads across tenants find nothing, even for identical ids, refs and external ids', async () => {
    const store = await stores.create()
    const sync = createSyncEngine({ store })
    const program = { id: 'prog-1', name: 'HND Business' }
    const registration = {
      id: 'reg-1',
      studentId: 'stu-1',
      programId: 'prog-1',
      registrationDate: '2026-01-15',
      status: 'active',
    }
    // Tenant A has the program and student; tenant B only the program, so its registration is parked.
    await sync.syncAll({
      tenant: 'A',
      batches: {
        program: [program],
        student: [{ id: 'stu-1', firstName: 'A', lastName: 'B', status: 'active' }],
      },
    })
    await sync.syncBatch({ tenant: 'B', entity: 'program', records: [{ ...program, name: 'Other name' }] })
    const a = (
      await sync.syncBatch({ tenant: 'A', entity: 'registration', records: [registration] })
    )._unsafeUnwrap()
    const b = (
      await sync.syncBatch({ tenant: 'B', entity: 'registration', records: [registration] })
    )._unsafeUnwrap()
    expect(a.outcomes[0]?.status).toBe('NEW')
    expect(b.outcomes[0]?.status).toBe('DEFERRED')

    const found = (await store.existingIds('B', [{ entity: 'student', ids: ['stu-1'] }]))._unsafeUnwrap()
    expect(found.get('student')?.size).toBe(0)
    expect((await store.parkedWaitingFor('A', 'student', ['stu-1']))._unsafeUnwrap()).toEqual([])
    expect((await store.parkedWaitingFor('B', 'student', ['stu-1']))._unsafeUnwrap()).toHaveLength(1)
    const programs = (await store.readRecords('B', 'program', ['prog-1']))._unsafeUnwrap()
    expect(programs.get('prog-1')?.data.name).toBe('Other name')

    await store.upsertLinks('A', [{ entity: 'student', id: 'stu-1', system: 'zoho', externalId: 'z-1' }])
    await store.upsertLinks('B', [{ entity: 'student', id: 'stu-9', system: 'zoho', externalId: 'z-1' }])
    // Linking the same external id in tenant B must not move tenant A's link.
    expect((await store.findByExternalIds('A', 'zoho', 'student', ['z-1']))._unsafeUnwrap().get('z-1')).toBe(
      'stu-1',
    )
    expect((await store.findByExternalIds('B', 'zoho', 'student', ['z-1']))._unsafeUnwrap().get('z-1')).toBe(
      'stu-9',
    )

    // Replaying B's parked records must not be unblocked by A's student.
    expect((await sync.replayParked('B'))._unsafeUnwrap()).toEqual([])
    expect((await store.purgeParked('A', { olderThan: new Date(Date.now() + 60_000) }))._unsafeUnwrap()).toBe(
      0,
    )
    expect((await store.listParked('B'))._unsafeUnwrap()).toHaveLength(1)
  })
})
