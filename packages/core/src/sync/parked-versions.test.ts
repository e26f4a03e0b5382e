import { describe, expect, it } from 'vitest'
import { createMemoryStore, createSyncEngine } from '../index.ts'

const T = 'acme'
const program = { id: 'p-1', name: 'HND Business' }
const student = (id: string, programId: string | null, phone: string) => ({
  id,
  firstName: 'Ayşe',
  lastName: 'Yılmaz',
  status: 'active',
  programId,
  phone,
})

describe('parked versions', () => {
  // Regression: an UNCHANGED redelivery of v1 used to unpark (discard) a newer parked v2.
  it('keeps a newer parked version when an older stored version is redelivered unchanged', async () => {
    const store = createMemoryStore()
    const engine = createSyncEngine({ store })
    const v1 = student('s-1', null, '111')
    const v2 = student('s-1', 'p-late', '222')
    expect(
      (await engine.syncBatch({ tenant: T, entity: 'student', records: [v1] }))._unsafeUnwrap().outcomes[0]
        ?.status,
    ).toBe('NEW')
    expect(
      (await engine.syncBatch({ tenant: T, entity: 'student', records: [v2] }))._unsafeUnwrap().outcomes[0]
        ?.status,
    ).toBe('DEFERRED')
    const again = (await engine.syncBatch({ tenant: T, entity: 'student', records: [v1] }))._unsafeUnwrap()
    expect(again.outcomes[0]?.status).toBe('UNCHANGED')
    expect((await store.listParked(T))._unsafeUnwrap().map((p) => p.id)).toEqual(['s-1'])

    const parent = (
      await engine.syncBatch({ tenant: T, entity: 'program', records: [{ ...program, id: 'p-late' }] })
    )._unsafeUnwrap()
    expect(parent.replayed.map((o) => [o.id, o.status])).toEqual([['s-1', 'UPDATED']])
    const stored = (await store.readRecords(T, 'student', ['s-1']))._unsafeUnwrap().get('s-1')
    expect(stored?.data).toMatchObject({ programId: 'p-late', phone: '222' })
    expect((await store.listParked(T))._unsafeUnwrap()).toEqual([])
  })

  it('unparks a replayed record that equals the stored one', async () => {
    const store = createMemoryStore()
    const engine = createSyncEngine({ store })
    const waiting = student('s-2', 'p-1', '333')
    await engine.syncBatch({ tenant: T, entity: 'student', records: [waiting] })
    // The same version reaches the Store by another path before its parent arrives: stored, still parked.
    await store.applyBatch(T, 'student', {
      upserts: [
        {
          id: 's-2',
          fingerprint: (await store.listParked(T))._unsafeUnwrap()[0]?.fingerprint ?? '',
          data: waiting,
        },
      ],
      park: [],
      unpark: [],
    })
    const parent = (
      await engine.syncBatch({ tenant: T, entity: 'program', records: [program] })
    )._unsafeUnwrap()
    expect(parent.replayed.map((o) => [o.id, o.status])).toEqual([['s-2', 'UNCHANGED']])
    expect((await store.listParked(T))._unsafeUnwrap()).toEqual([])
  })
})
