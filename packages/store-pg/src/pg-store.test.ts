import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RecordOutcome } from '@edusync/core'
import { createSyncEngine } from '@edusync/core'
import pg from 'pg'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { databaseUrl, freshSchemaName, storeFactory } from '../test/fixtures.ts'
import { createPgStore } from './index.ts'

const programs = (from: number, count: number, suffix = '') =>
  Array.from({ length: count }, (_, i) => ({
    id: `prog-${String(from + i).padStart(5, '0')}`,
    name: `Program ${from + i}${suffix}`,
    price: { minor: 1000 + i, currency: 'usd' },
  }))
const statuses = (outcomes: readonly RecordOutcome[]) => {
  const counts: Record<string, number> = {}
  for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1
  return counts
}

// The initial-load path (COPY into an empty tenant/entity) must give the same outcomes and guarantees
// as the upsert path, including when it meets rows it did not expect.
describe('initial load into an empty tenant on a PostgreSQL server', () => {
  const stores = storeFactory('pg')
  afterEach(() => stores.teardown())
  afterAll(() => stores.dispose())

  it('loads a large first sync and reads it back exactly', async () => {
    const store = await stores.create()
    const engine = createSyncEngine({ store })
    const records = programs(0, 3000)
    const result = await engine.syncStream({ tenant: 't', entity: 'program', records, batchSize: 1000 })
    expect(result._unsafeUnwrap().counts).toMatchObject({ total: 3000, new: 3000 })
    const stored = (await store.readRecords('t', 'program', ['prog-02999']))._unsafeUnwrap().get('prog-02999')
    expect(stored?.data).toEqual({
      id: 'prog-02999',
      name: 'Program 2999',
      price: { minor: 3999, currency: 'USD' },
    })
    const again = await engine.syncStream({ tenant: 't', entity: 'program', records, batchSize: 1000 })
    expect(again._unsafeUnwrap().counts).toMatchObject({ total: 3000, unchanged: 3000 })
  })

  it('a batch mixing changed and new records after a load reports UPDATED and NEW correctly', async () => {
    const store = await stores.create()
    const engine = createSyncEngine({ store })
    await engine.syncBatch({ tenant: 't', entity: 'program', records: programs(0, 1000) })
    const mixed = [...programs(0, 600, ' v2'), ...programs(1000, 600)]
    const result = (
      await engine.syncBatch({ tenant: 't', entity: 'program', records: mixed })
    )._unsafeUnwrap()
    expect(statuses(result.outcomes)).toEqual({ UPDATED: 600, NEW: 600 })
    expect((await store.countRecords('t', 'program'))._unsafeUnwrap()).toBe(1600)
  })

  it('two processes loading the same records at once end with one row each, one NEW and one UNCHANGED', async () => {
    const schema = freshSchemaName()
    const one = await stores.create({ schema })
    const two = await stores.create({ schema })
    await one.migrate()
    const records = programs(0, 2000)
    const results = await Promise.all(
      [one, two].map((store) =>
        createSyncEngine({ store }).syncBatch({ tenant: 't', entity: 'program', records }),
      ),
    )
    const all = results.flatMap((r) => r._unsafeUnwrap().outcomes)
    expect(statuses(all)).toEqual({ NEW: 2000, UNCHANGED: 2000 })
    expect((await one.countRecords('t', 'program'))._unsafeUnwrap()).toBe(2000)
  })
})

// parked_waiting has no foreign key (its checks made parking quadratic), so the Store itself must keep
// it in step with parked: nothing may be left behind by unparking, re-parking or purging.
describe('parked records and what they wait for stay in step', () => {
  const stores = storeFactory('pg')
  afterAll(() => stores.dispose())

  it('leaves no waiting-for rows behind after re-park, unpark and purge', async () => {
    const store = await stores.create()
    const admin = new pg.Pool({ connectionString: databaseUrl(), max: 1 })
    const waiting = async (waitingId = '%') =>
      Number(
        (
          await admin.query(
            `SELECT count(*) AS n FROM "${store.schema}".parked_waiting WHERE waiting_id LIKE $1`,
            [waitingId],
          )
        ).rows[0].n,
      )
    try {
      const engine = createSyncEngine({ store })
      const registration = (id: string, studentId: string) => ({
        id,
        studentId,
        programId: 'prog-1',
        registrationDate: '2026-01-15',
        status: 'active',
      })
      const regs = Array.from({ length: 300 }, (_, i) => registration(`r-${i}`, `s-${i}`))
      await engine.syncBatch({ tenant: 't', entity: 'registration', records: regs })
      expect(await waiting()).toBe(600)
      // Parked again waiting for other students: the old references go.
      await engine.syncBatch({
        tenant: 't',
        entity: 'registration',
        records: regs.map((r) => ({ ...r, studentId: 'x' })),
      })
      expect(await waiting('s-%')).toBe(0)
      expect(await waiting('x')).toBe(300)
      await engine.syncAll({
        tenant: 't',
        batches: {
          program: [{ id: 'prog-1', name: 'HND' }],
          student: [{ id: 'x', firstName: 'A', lastName: 'B', status: 'active' }],
        },
      })
      expect((await store.listParked('t'))._unsafeUnwrap()).toEqual([])
      expect(await waiting()).toBe(0)
      await engine.syncBatch({
        tenant: 't',
        entity: 'registration',
        records: [registration('r-late', 's-late')],
      })
      expect(await waiting()).toBe(1)
      await store.purgeParked('t', { olderThan: new Date(Date.now() + 60_000) })
      expect(await waiting()).toBe(0)
    } finally {
      await admin.end()
    }
  })
})

describe('createPgStore engines and ownership', () => {
  it('defaults to an in-memory PGlite', async () => {
    const store = createPgStore()
    expect(store.id).toBe('pglite')
    expect(store.capabilities.multiProcess).toBe(false)
    const engine = createSyncEngine({ store })
    const result = await engine.syncBatch({ tenant: 't', entity: 'program', records: programs(0, 3) })
    expect(result._unsafeUnwrap().counts.new).toBe(3)
    await store.close()
  })

  it('persists to a PGlite data directory across reopening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edusync-pglite-'))
    try {
      const first = createPgStore({ dataDir: dir })
      await createSyncEngine({ store: first }).syncBatch({
        tenant: 't',
        entity: 'program',
        records: programs(0, 5),
      })
      await first.close()
      const reopened = createPgStore({ dataDir: dir })
      expect((await reopened.countRecords('t', 'program'))._unsafeUnwrap()).toBe(5)
      await reopened.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('uses an existing pool and leaves it open on close', async () => {
    const pool = new pg.Pool({ connectionString: databaseUrl(), max: 2 })
    const schema = freshSchemaName()
    const store = createPgStore({ pool, schema })
    expect(store.id).toBe('pg')
    expect(store.capabilities.multiProcess).toBe(true)
    expect((await store.countRecords('t', 'program'))._unsafeUnwrap()).toBe(0)
    await store.close()
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
    await pool.query(`DROP SCHEMA "${schema}" CASCADE`)
    await pool.end()
  })

  it('rejects bad configuration at construction', () => {
    expect(() => createPgStore({ schema: '' })).toThrow(/schema/)
    expect(() => createPgStore({ schema: 'x'.repeat(64) })).toThrow(/schema/)
    expect(() => createPgStore({ connectionString: '' })).toThrow(/connectionString/)
    expect(() => createPgStore({ conflictRetries: -1 })).toThrow(/conflictRetries/)
  })
})
