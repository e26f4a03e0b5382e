import { createSyncEngine } from '@edusync/core'
import pg from 'pg'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { databaseUrl, freshSchemaName, storeFactory } from '../test/fixtures.ts'
import type { PgStore } from './pg-store.ts'
import { quoteIdent } from './sql/identifiers.ts'

const program = (id: string, name: string) => ({ id, name, price: { minor: 1000, currency: 'USD' } })
const T = 'acme'

// Two stores over two pools on one schema (two host processes), plus a third connection that holds the
// record's row lock so the test decides which of a delete and an update reaches the row first.
describe('a delete racing an update of the same record, on a real PostgreSQL server', () => {
  const stores = storeFactory('pg')
  afterEach(() => stores.teardown())
  afterAll(() => stores.dispose())

  async function setup() {
    const schema = freshSchemaName()
    const one = await stores.create({ schema })
    const two = await stores.create({ schema })
    await one.migrate()
    const engine = createSyncEngine({ store: one, deletionGuard: false })
    const other = createSyncEngine({ store: two, deletionGuard: false })
    await engine.syncBatch({ tenant: T, entity: 'program', records: [program('p-1', 'v1')] })
    const locker = new pg.Client({ connectionString: databaseUrl() })
    await locker.connect()
    await locker.query('BEGIN')
    await locker.query(
      `SELECT 1 FROM ${quoteIdent(schema)}.records WHERE tenant = $1 AND id = $2 FOR UPDATE`,
      [T, 'p-1'],
    )
    return { schema, one, engine, other, locker }
  }

  // Waits until `n` statements of this schema are blocked on a lock, so queue order is known. Generous
  // budget: on a loaded machine the engine's reads before its write can take a while.
  async function blocked(schema: string, n: number) {
    const probe = new pg.Client({ connectionString: databaseUrl() })
    await probe.connect()
    try {
      const deadline = Date.now() + 60_000
      while (Date.now() < deadline) {
        const { rows } = await probe.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
          [`%${schema}%`],
        )
        if ((rows[0]?.n ?? 0) >= n) return
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      throw new Error(`fewer than ${n} statements blocked after 60 s`)
    } finally {
      await probe.end()
    }
  }

  it('delete first: the delete is DELETED, the update after it RESTORED, and the record is live with the update', async () => {
    const { schema, one, engine, other, locker } = await setup()
    const deleting = other.deleteBatch({
      tenant: T,
      entity: 'program',
      ids: ['p-1'],
      source: 'zoho',
      reason: 'gone',
    })
    await blocked(schema, 1)
    const updating = engine.syncBatch({ tenant: T, entity: 'program', records: [program('p-1', 'v2')] })
    await blocked(schema, 2)
    await locker.query('COMMIT')
    await locker.end()
    const [deleted, updated] = await Promise.all([deleting, updating])
    expect(deleted._unsafeUnwrap().outcomes.map((o) => o.status)).toEqual(['DELETED'])
    expect(updated._unsafeUnwrap().outcomes.map((o) => o.status)).toEqual(['RESTORED'])
    const live = (await one.readRecords(T, 'program', ['p-1']))._unsafeUnwrap().get('p-1')
    expect(live?.data.name).toBe('v2')
    expect((await one.readTombstones(T, 'program', ['p-1']))._unsafeUnwrap().size).toBe(0)
  })

  it('update first: the update is UPDATED, the delete DELETED, and the tombstone keeps the updated data', async () => {
    const { schema, one, engine, other, locker } = await setup()
    const updating = engine.syncBatch({ tenant: T, entity: 'program', records: [program('p-1', 'v2')] })
    await blocked(schema, 1)
    const deleting = other.deleteBatch({
      tenant: T,
      entity: 'program',
      ids: ['p-1'],
      source: 'zoho',
      reason: 'gone',
    })
    await blocked(schema, 2)
    await locker.query('COMMIT')
    await locker.end()
    const [updated, deleted] = await Promise.all([updating, deleting])
    expect(updated._unsafeUnwrap().outcomes.map((o) => o.status)).toEqual(['UPDATED'])
    expect(deleted._unsafeUnwrap().outcomes.map((o) => o.status)).toEqual(['DELETED'])
    expect((await one.readRecords(T, 'program', ['p-1']))._unsafeUnwrap().size).toBe(0)
    const tombstone = (await one.readTombstones(T, 'program', ['p-1']))._unsafeUnwrap().get('p-1')
    expect(tombstone?.data.name).toBe('v2')
    expect(tombstone).toMatchObject({ source: 'zoho', reason: 'gone' })
  })

  it('hundreds of free-running races each end in one state that matches the reported outcomes', async () => {
    const schema = freshSchemaName()
    const one = await stores.create({ schema })
    const two = await stores.create({ schema })
    await one.migrate()
    const writer = createSyncEngine({ store: one, deletionGuard: false })
    const deleter = createSyncEngine({ store: two, deletionGuard: false })
    const ids = Array.from({ length: 300 }, (_, i) => `race-${String(i).padStart(3, '0')}`)
    await writer.syncBatch({ tenant: T, entity: 'program', records: ids.map((id) => program(id, 'v1')) })
    // Many small batches in flight at once from both sides, in opposite orders.
    const updates = ids.map((id) =>
      writer.syncBatch({ tenant: T, entity: 'program', records: [program(id, 'v2')] }),
    )
    const deletes = [...ids]
      .reverse()
      .map((id) =>
        deleter.deleteBatch({ tenant: T, entity: 'program', ids: [id], source: 'zoho', reason: 'race' }),
      )
    const updated = new Map(
      (await Promise.all(updates)).map((r) => [
        r._unsafeUnwrap().outcomes[0]?.id,
        r._unsafeUnwrap().outcomes[0]?.status,
      ]),
    )
    for (const r of await Promise.all(deletes)) expect(r._unsafeUnwrap().outcomes[0]?.status).toBe('DELETED')
    const live = (await one.readRecords(T, 'program', ids))._unsafeUnwrap()
    const tombstones = (await one.readTombstones(T, 'program', ids))._unsafeUnwrap()
    for (const id of ids) {
      const status = updated.get(id)
      if (status === 'RESTORED') {
        expect(live.get(id)?.data.name).toBe('v2')
        expect(tombstones.has(id)).toBe(false)
      } else {
        expect(status).toBe('UPDATED')
        expect(live.has(id)).toBe(false)
        expect(tombstones.get(id)?.data.name).toBe('v2')
      }
    }
    expect(live.size + tombstones.size).toBe(ids.length)
  })
})

describe('quarantined waves resolved from two processes at once', () => {
  const stores = storeFactory('pg')
  afterEach(() => stores.teardown())
  afterAll(() => stores.dispose())

  it('of concurrent approvals and discards exactly one wins, and the wave is applied at most once', async () => {
    const schema = freshSchemaName()
    const one = await stores.create({ schema })
    const two = await stores.create({ schema })
    await one.migrate()
    const a = createSyncEngine({ store: one })
    const b = createSyncEngine({ store: two })
    const ids = Array.from({ length: 60 }, (_, i) => `w-${i}`)
    await a.syncBatch({ tenant: T, entity: 'program', records: ids.map((id) => program(id, 'v1')) })
    for (let round = 0; round < 5; round++) {
      const held = (
        await a.deleteBatch({ tenant: T, entity: 'program', ids, source: 'admin', reason: `round ${round}` })
      )._unsafeUnwrap().quarantine
      if (!held) throw new Error('expected the guard to hold 60 of 60')
      const results = await Promise.all([
        a.approveDeletions(T, held.id),
        b.approveDeletions(T, held.id),
        b.discardDeletions(T, held.id),
        a.discardDeletions(T, held.id),
      ])
      const won = results.filter((r) => r.isOk())
      expect(won).toHaveLength(1)
      for (const r of results) if (r.isErr()) expect(r.error.reason).toBe('Quarantine')
      const status = (await one.getQuarantine(T, held.id))._unsafeUnwrap()?.status
      const live = (await one.countRecords(T, 'program'))._unsafeUnwrap()
      expect(live).toBe(status === 'approved' ? 0 : 60)
      // Back to 60 live records for the next round (a restore of each).
      await a.syncBatch({ tenant: T, entity: 'program', records: ids.map((id) => program(id, 'v1')) })
    }
  })
})

describe.each([
  ['pg', 'pg'],
  ['pglite', 'pglite-memory'],
] as const)('tombstones in the Postgres Store (%s)', (_name, engineName) => {
  const stores = storeFactory(engineName)
  afterEach(() => stores.teardown())
  afterAll(() => stores.dispose())

  it('a tombstone is the same row: the initial-load COPY path never writes over it', async () => {
    const store: PgStore = await stores.create()
    const engine = createSyncEngine({ store, deletionGuard: false })
    await engine.syncBatch({ tenant: T, entity: 'program', records: [program('p-0', 'v1')] })
    await engine.deleteBatch({ tenant: T, entity: 'program', ids: ['p-0'], source: 'admin', reason: 'test' })
    // A big first batch after a delete: the entity is not empty (it holds a tombstone), so it is upserted.
    const records = Array.from({ length: 600 }, (_, i) => program(`p-${i}`, 'v1'))
    const result = (await engine.syncBatch({ tenant: T, entity: 'program', records }))._unsafeUnwrap()
    expect(result.counts).toMatchObject({ new: 599, restored: 1 })
    expect((await store.countRecords(T, 'program'))._unsafeUnwrap()).toBe(600)
  })

  it('run counts keep deletions and restores', async () => {
    const store: PgStore = await stores.create()
    const engine = createSyncEngine({ store, deletionGuard: false })
    const run = (await store.createRun(T, { step: 'deletes' }))._unsafeUnwrap()
    await engine.syncBatch({
      tenant: T,
      entity: 'program',
      records: [program('a', 'v1'), program('b', 'v1')],
    })
    await engine.deleteBatch({
      tenant: T,
      entity: 'program',
      ids: ['a', 'b'],
      source: 'admin',
      reason: 'x',
      runId: run.id,
    })
    await engine.syncBatch({ tenant: T, entity: 'program', records: [program('a', 'v1')], runId: run.id })
    const counts = (await store.getRun(T, run.id))._unsafeUnwrap()?.counts
    expect(counts).toMatchObject({ total: 3, deleted: 2, restored: 1 })
  })
})
