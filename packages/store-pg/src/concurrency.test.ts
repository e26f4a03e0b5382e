import type { RecordOutcome } from '@edusync/core'
import { createSyncEngine } from '@edusync/core'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { freshSchemaName, storeFactory } from '../test/fixtures.ts'

// Two stores over two pools on one schema: two host processes sharing a database, not two promises on
// one connection.
describe('two pools writing one schema at the same time', () => {
  const stores = storeFactory('pg')
  afterEach(() => stores.teardown())
  afterAll(() => stores.dispose())

  async function twoProcesses() {
    const schema = freshSchemaName()
    const one = await stores.create({ schema })
    const two = await stores.create({ schema })
    // Migrate up front so both start writing at the same moment.
    await one.migrate()
    return { one, two }
  }

  const programs = (count: number, suffix = '') =>
    Array.from({ length: count }, (_, i) => ({
      id: `prog-${String(i).padStart(4, '0')}`,
      name: `Program ${i}${suffix}`,
      price: { minor: 1000 + i, currency: 'USD' },
    }))

  const byId = (outcomes: readonly RecordOutcome[]) => new Map(outcomes.map((o) => [o.id, o.status]))

  it('syncing the same records ends with one row each, one NEW and one UNCHANGED, and no error', async () => {
    const { one, two } = await twoProcesses()
    const records = programs(2000)
    const [a, b] = await Promise.all([
      createSyncEngine({ store: one }).syncBatch({ tenant: 't', entity: 'program', records }),
      createSyncEngine({ store: two }).syncBatch({ tenant: 't', entity: 'program', records }),
    ])
    const first = byId(a._unsafeUnwrap().outcomes)
    const second = byId(b._unsafeUnwrap().outcomes)
    for (const { id } of records) {
      expect([first.get(id), second.get(id)].sort()).toEqual(['NEW', 'UNCHANGED'])
    }
    expect((await one.countRecords('t', 'program'))._unsafeUnwrap()).toBe(2000)
  })

  it('different versions written at once end with one row each: one NEW, the other UPDATED', async () => {
    const { one, two } = await twoProcesses()
    const [a, b] = await Promise.all([
      createSyncEngine({ store: one }).syncBatch({
        tenant: 't',
        entity: 'program',
        records: programs(1000, ' A'),
      }),
      createSyncEngine({ store: two }).syncBatch({
        tenant: 't',
        entity: 'program',
        records: programs(1000, ' B'),
      }),
    ])
    const first = byId(a._unsafeUnwrap().outcomes)
    const second = byId(b._unsafeUnwrap().outcomes)
    for (let i = 0; i < 1000; i++) {
      const id = `prog-${String(i).padStart(4, '0')}`
      expect([first.get(id), second.get(id)].sort()).toEqual(['NEW', 'UPDATED'])
    }
    expect((await two.countRecords('t', 'program'))._unsafeUnwrap()).toBe(1000)
  })

  it('overlapping batches in opposite orders from several writers all succeed', async () => {
    const { one, two } = await twoProcesses()
    const records = programs(600)
    const engines = [one, two, one, two].map((store) => createSyncEngine({ store }))
    const results = await Promise.all(
      engines.map((engine, k) =>
        engine.syncBatch({
          tenant: 't',
          entity: 'program',
          records:
            k % 2 === 0 ? records : [...records].reverse().map((r) => ({ ...r, name: `${r.name} v${k}` })),
        }),
      ),
    )
    for (const result of results) expect(result.isOk()).toBe(true)
    const news = results.flatMap((r) => r._unsafeUnwrap().outcomes.filter((o) => o.status === 'NEW'))
    expect(news).toHaveLength(600)
    expect((await one.countRecords('t', 'program'))._unsafeUnwrap()).toBe(600)
  })

  it('an idempotency key is claimed by exactly one of two processes', async () => {
    const { one, two } = await twoProcesses()
    const request = { requestFingerprint: 'req', leaseMs: 60_000, ttlMs: 60_000 }
    for (let k = 0; k < 20; k++) {
      const key = `evt-${k}`
      const claims = await Promise.all(
        [one, two, one, two].map((store) => store.claimIdempotencyKey('t', { key, ...request })),
      )
      const statuses = claims.map((c) => c._unsafeUnwrap().status).sort()
      expect(statuses).toEqual(['claimed', 'in_progress', 'in_progress', 'in_progress'])
    }
  })

  it('run counts added from two processes are all kept', async () => {
    const { one, two } = await twoProcesses()
    const run = (await one.createRun('t', { step: 'both' }))._unsafeUnwrap()
    await Promise.all(
      Array.from({ length: 40 }, (_, k) =>
        (k % 2 ? one : two).updateRun('t', run.id, { addCounts: { total: 3, unchanged: 3 } }),
      ),
    )
    expect((await two.getRun('t', run.id))._unsafeUnwrap()?.counts).toMatchObject({
      total: 120,
      unchanged: 120,
    })
  })

  it('moving one external id from two processes leaves it linked to exactly one record', async () => {
    const { one, two } = await twoProcesses()
    await Promise.all(
      Array.from({ length: 10 }, (_, k) =>
        (k % 2 ? one : two).upsertLinks('t', [
          { entity: 'student', id: `s-${k}`, system: 'zoho', externalId: 'z-1' },
        ]),
      ),
    ).then((results) => results.forEach((r) => expect(r.isOk()).toBe(true)))
    const owner = (await one.findByExternalIds('t', 'zoho', 'student', ['z-1']))._unsafeUnwrap().get('z-1')
    const links = (
      await one.readLinks(
        't',
        'student',
        Array.from({ length: 10 }, (_, k) => `s-${k}`),
      )
    )._unsafeUnwrap()
    expect([...links.keys()]).toEqual([owner])
  })
})
