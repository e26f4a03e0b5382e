import { createSyncEngine, fingerprint, student } from '@edusync/core'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { EngineName } from '../test/fixtures.ts'
import { storeFactory } from '../test/fixtures.ts'

const fp = (c: string) => c.repeat(64)

describe.each<EngineName>(['pg', 'pglite-memory'])('createPgStore on %s', (engine) => {
  const stores = storeFactory(engine)
  afterEach(() => stores.teardown())
  afterAll(() => stores.dispose())

  it('applyBatch reports inserted, updated and unchanged ids', async () => {
    const store = await stores.create()
    const first = await store.applyBatch('t1', 'student', {
      upserts: [
        { id: 'a', fingerprint: fp('a'), data: { n: 1 } },
        { id: 'b', fingerprint: fp('b'), data: { n: 2 } },
      ],
      park: [],
      unpark: [],
    })
    expect(first._unsafeUnwrap()).toEqual(
      new Map([
        ['a', 'inserted'],
        ['b', 'inserted'],
      ]),
    )
    const second = await store.applyBatch('t1', 'student', {
      upserts: [
        { id: 'a', fingerprint: fp('a'), data: { n: 1 } },
        { id: 'b', fingerprint: fp('c'), data: { n: 3 } },
      ],
      park: [],
      unpark: [],
    })
    expect(second._unsafeUnwrap()).toEqual(
      new Map([
        ['a', 'unchanged'],
        ['b', 'updated'],
      ]),
    )
    const read = (await store.readRecords('t1', 'student', ['a', 'b', 'z']))._unsafeUnwrap()
    expect(read.get('b')).toMatchObject({ id: 'b', fingerprint: fp('c'), data: { n: 3 } })
    expect(read.get('b')?.updatedAt).toBeInstanceOf(Date)
    expect(read.has('z')).toBe(false)
    expect((await store.readFingerprints('t2', 'student', ['a']))._unsafeUnwrap().size).toBe(0)
    expect((await store.countRecords('t1', 'student'))._unsafeUnwrap()).toBe(2)
    const ex = await store.existingIds('t1', [
      { entity: 'student', ids: ['a', 'x'] },
      { entity: 'program', ids: ['a'] },
    ])
    expect(ex._unsafeUnwrap()).toEqual(
      new Map([
        ['student', new Set(['a'])],
        ['program', new Set()],
      ]),
    )
  })

  it('parks, finds waiting records, lists and purges', async () => {
    const store = await stores.create()
    const r = await store.applyBatch('t1', 'registration', {
      upserts: [],
      park: [
        { id: 'r1', fingerprint: fp('1'), data: { x: 1 }, waitingFor: [{ entity: 'student', id: 's1' }] },
      ],
      unpark: [],
    })
    expect(r.isOk()).toBe(true)
    const waiting = (await store.parkedWaitingFor('t1', 'student', ['s1']))._unsafeUnwrap()
    expect(waiting).toHaveLength(1)
    expect(waiting[0]).toMatchObject({
      entity: 'registration',
      id: 'r1',
      waitingFor: [{ entity: 'student', id: 's1' }],
    })
    expect((await store.listParked('t1'))._unsafeUnwrap()).toHaveLength(1)
    expect(
      (await store.purgeParked('t1', { olderThan: new Date(Date.now() + 60_000) }))._unsafeUnwrap(),
    ).toBe(1)
  })

  it('links, idempotency and runs work', async () => {
    const store = await stores.create()
    expect(
      (
        await store.upsertLinks('t1', [
          { entity: 'student', id: 's1', system: 'zoho', externalId: 'z1' },
          { entity: 'student', id: 's2', system: 'zoho', externalId: 'z1' },
        ])
      ).isOk(),
    ).toBe(true)
    expect((await store.findByExternalIds('t1', 'zoho', 'student', ['z1']))._unsafeUnwrap()).toEqual(
      new Map([['z1', 's2']]),
    )
    const claim = { key: 'k', requestFingerprint: 'f', leaseMs: 60_000, ttlMs: 60_000 }
    expect((await store.claimIdempotencyKey('t1', claim))._unsafeUnwrap()).toEqual({ status: 'claimed' })
    expect((await store.claimIdempotencyKey('t1', claim))._unsafeUnwrap()).toEqual({ status: 'in_progress' })
    expect((await store.completeIdempotencyKey('t1', 'k', { status: 200, body: { ok: true } })).isOk()).toBe(
      true,
    )
    expect((await store.claimIdempotencyKey('t1', claim))._unsafeUnwrap()).toEqual({
      status: 'completed',
      response: { status: 200, body: { ok: true } },
    })
    const run = (await store.createRun('t1', { step: 'zoho:student' }))._unsafeUnwrap()
    const updated = await store.updateRun('t1', run.id, {
      status: 'running',
      addCounts: { total: 3, new: 2 },
    })
    expect(updated._unsafeUnwrap()).toMatchObject({
      status: 'running',
      counts: { total: 3, new: 2, error: 0 },
    })
    expect((await store.listRuns('t1'))._unsafeUnwrap()).toHaveLength(1)
    expect((await store.updateRun('t2', run.id, {}))._unsafeUnwrapErr().reason).toBe('Invalid')
  })

  it('syncs through the engine', async () => {
    const store = await stores.create()
    const engine_ = createSyncEngine({ store })
    const rec = { id: 's1', firstName: 'A', lastName: 'B', status: 'active' }
    const r = await engine_.syncBatch({ tenant: 't', entity: 'student', records: [rec] })
    expect(r._unsafeUnwrap().counts.new).toBe(1)
    expect(fingerprint(student, rec)).toHaveLength(64)
  })
})
