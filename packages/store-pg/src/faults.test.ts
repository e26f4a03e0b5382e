import type { StoreError } from '@edusync/core'
import { createSyncEngine } from '@edusync/core'
import pg from 'pg'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { databaseUrl, freshSchemaName, storeFactory } from '../test/fixtures.ts'
import { createPgStore } from './index.ts'
import { quoteIdent } from './sql/identifiers.ts'

const student = (id: string) => ({ id, firstName: 'Ayşe', lastName: 'Yılmaz', status: 'active' })
const registration = (id: string, studentId: string) => ({
  id,
  studentId,
  programId: 'prog-1',
  registrationDate: '2026-01-15',
  status: 'active',
})

describe('faults on a PostgreSQL server', () => {
  const stores = storeFactory('pg')
  const admin = new pg.Pool({ connectionString: databaseUrl(), max: 4 })
  afterEach(() => stores.teardown())
  afterAll(async () => {
    await stores.dispose()
    await admin.end()
  })

  // A tenant with a program, some students, and one registration parked for a student that is missing.
  async function seeded() {
    const schema = freshSchemaName()
    const store = await stores.create({ schema })
    const engine = createSyncEngine({ store })
    await engine.syncAll({
      tenant: 't',
      batches: {
        program: [{ id: 'prog-1', name: 'HND Business' }],
        student: Array.from({ length: 50 }, (_, i) => student(`s-${i}`)),
      },
    })
    const parked = await engine.syncBatch({
      tenant: 't',
      entity: 'registration',
      records: [registration('r-parked', 's-missing')],
    })
    expect(parked._unsafeUnwrap().counts.deferred).toBe(1)
    return { schema, store, engine, table: (name: string) => `${quoteIdent(schema)}.${name}` }
  }

  // A batch that inserts 50 registrations and re-parks r-parked: two statements in one transaction.
  const batch = () => [
    ...Array.from({ length: 50 }, (_, i) => registration(`r-${i}`, `s-${i}`)),
    registration('r-parked', 's-missing-2'),
  ]

  async function blockedBackend(schema: string): Promise<number> {
    for (;;) {
      const { rows } = await admin.query(
        `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
        [`%${schema}%`],
      )
      if (rows[0]) return rows[0].pid as number
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  it('a connection terminated mid-transaction leaves nothing written; the retry gives the right outcomes', async () => {
    const { schema, engine, store, table } = await seeded()
    const locker = await admin.connect()
    try {
      await locker.query('BEGIN')
      // Holding the parked row makes the batch stop after its upserts, inside its transaction.
      await locker.query(`SELECT 1 FROM ${table('parked')} WHERE id = 'r-parked' FOR UPDATE`)
      const pending = engine.syncBatch({ tenant: 't', entity: 'registration', records: batch() })
      const pid = await blockedBackend(schema)
      await admin.query('SELECT pg_terminate_backend($1)', [pid])
      const failed = await pending
      const cause = failed._unsafeUnwrapErr().cause as StoreError
      expect(cause.name).toBe('StoreError')
      expect(cause.reason).toBe('Unavailable')
      expect(cause.retryable).toBe(true)
    } finally {
      await locker.query('ROLLBACK')
      locker.release()
    }
    expect((await store.countRecords('t', 'registration'))._unsafeUnwrap()).toBe(0)
    const parked = (await store.listParked('t'))._unsafeUnwrap()
    expect(parked.map((p) => p.waitingFor)).toEqual([[{ entity: 'student', id: 's-missing' }]])

    const retried = (
      await engine.syncBatch({ tenant: 't', entity: 'registration', records: batch() })
    )._unsafeUnwrap()
    expect(retried.counts).toMatchObject({ total: 51, new: 50, deferred: 1 })
    expect((await store.countRecords('t', 'registration'))._unsafeUnwrap()).toBe(50)
  })

  it('a statement timeout is a retryable Timeout and leaves nothing written', async () => {
    const { schema, table } = await seeded()
    const store = createPgStore({ connectionString: databaseUrl(), schema, statementTimeoutMs: 300 })
    const engine = createSyncEngine({ store })
    const locker = await admin.connect()
    try {
      await locker.query('BEGIN')
      await locker.query(`SELECT 1 FROM ${table('parked')} WHERE id = 'r-parked' FOR UPDATE`)
      const failed = await engine.syncBatch({ tenant: 't', entity: 'registration', records: batch() })
      const cause = failed._unsafeUnwrapErr().cause as StoreError
      expect(cause.reason).toBe('Timeout')
      expect(cause.retryable).toBe(true)
    } finally {
      await locker.query('ROLLBACK')
      locker.release()
    }
    expect((await store.countRecords('t', 'registration'))._unsafeUnwrap()).toBe(0)
    const retried = (
      await engine.syncBatch({ tenant: 't', entity: 'registration', records: batch() })
    )._unsafeUnwrap()
    expect(retried.counts).toMatchObject({ new: 50, deferred: 1 })
    await store.close()
  })

  it('a deadlock inside applyBatch is retried and never reaches the caller', async () => {
    const { schema, table } = await seeded()
    // This store's sessions detect the deadlock first, so they are the ones the server aborts.
    const pool = new pg.Pool({ connectionString: databaseUrl(), max: 2, options: '-c deadlock_timeout=50ms' })
    const store = createPgStore({ pool, schema })
    const engine = createSyncEngine({ store })
    await engine.syncBatch({ tenant: 't', entity: 'registration', records: [registration('r-0', 's-0')] })
    const locker = await admin.connect()
    try {
      await locker.query('BEGIN')
      await locker.query(`SET LOCAL deadlock_timeout = '10s'`)
      await locker.query(`SELECT 1 FROM ${table('parked')} WHERE id = 'r-parked' FOR UPDATE`)
      // The batch updates r-0 (locking it), then waits for r-parked; the locker then waits for r-0.
      const changed = [{ ...registration('r-0', 's-1') }, registration('r-parked', 's-missing-2')]
      const pending = engine.syncBatch({ tenant: 't', entity: 'registration', records: changed })
      await blockedBackend(schema)
      await locker.query(
        `SELECT 1 FROM ${table('records')} WHERE entity = 'registration' AND id = 'r-0' FOR UPDATE`,
      )
      await locker.query('ROLLBACK')
      const result = (await pending)._unsafeUnwrap()
      expect(result.counts).toMatchObject({ updated: 1, deferred: 1 })
    } finally {
      locker.release()
    }
    const stored = (await store.readRecords('t', 'registration', ['r-0']))._unsafeUnwrap()
    expect(stored.get('r-0')?.data.studentId).toBe('s-1')
    await store.close()
    await pool.end()
  })

  it('a lock wait beyond lock_timeout is a retryable Conflict once the retries are spent', async () => {
    const { schema, table } = await seeded()
    const pool = new pg.Pool({ connectionString: databaseUrl(), max: 2, options: '-c lock_timeout=100ms' })
    const store = createPgStore({ pool, schema, conflictRetries: 1 })
    const engine = createSyncEngine({ store })
    const locker = await admin.connect()
    try {
      await locker.query('BEGIN')
      await locker.query(`SELECT 1 FROM ${table('parked')} WHERE id = 'r-parked' FOR UPDATE`)
      const failed = await engine.syncBatch({ tenant: 't', entity: 'registration', records: batch() })
      const cause = failed._unsafeUnwrapErr().cause as StoreError
      expect(cause.reason).toBe('Conflict')
      expect(cause.retryable).toBe(true)
    } finally {
      await locker.query('ROLLBACK')
      locker.release()
    }
    expect((await store.countRecords('t', 'registration'))._unsafeUnwrap()).toBe(0)
    await store.close()
    await pool.end()
  })

  it('tables missing from a schema that claims to be migrated are Corrupt, not retryable', async () => {
    const { table, store } = await seeded()
    await admin.query(`DROP TABLE ${table('records')} CASCADE`)
    const result = await store.readFingerprints('t', 'student', ['s-1'])
    expect(result._unsafeUnwrapErr().reason).toBe('Corrupt')
    expect(result._unsafeUnwrapErr().retryable).toBe(false)
    expect(result._unsafeUnwrapErr().message).toContain('42P01')
  })

  it('an unreachable server is a retryable Unavailable with the password redacted', async () => {
    const store = createPgStore({ connectionString: 'postgres://edu:hunter2@127.0.0.1:1/db' })
    const result = await store.readFingerprints('t', 'student', ['x'])
    const error = result._unsafeUnwrapErr()
    expect(error.reason).toBe('Unavailable')
    expect(error.retryable).toBe(true)
    expect(error.message).not.toContain('hunter2')
    await store.close()
  })

  it('a store used after the server dropped its connections reconnects on the next call', async () => {
    const { schema, store } = await seeded()
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE $1`,
      [`%${schema}%`],
    )
    // Each killed idle connection fails at most one call, with a retryable Unavailable (the pool then
    // discards it); which calls hit one depends on when the pool sees the termination, so the contract
    // checked is: every failure is retryable, and the store recovers within the pool's size.
    const failures: StoreError[] = []
    let count: number | undefined
    for (let attempt = 0; attempt <= 10 && count === undefined; attempt++) {
      const result = await store.countRecords('t', 'student')
      if (result.isOk()) count = result.value
      else failures.push(result.error)
    }
    expect(count).toBe(50)
    for (const failure of failures) {
      expect(failure.reason).toBe('Unavailable')
      expect(failure.retryable).toBe(true)
    }
  })
})

describe('input the database refuses', () => {
  const stores = storeFactory('pglite-memory')
  afterAll(() => stores.dispose())

  it('a NUL character in data is Invalid and nothing is written', async () => {
    const store = await stores.create()
    const result = await store.applyBatch('t', 'student', {
      upserts: [
        { id: 'ok', fingerprint: 'a'.repeat(64), data: { name: 'fine' } },
        { id: 'nul', fingerprint: 'b'.repeat(64), data: { name: 'bad\u0000name' } },
      ],
      park: [],
      unpark: [],
    })
    expect(result._unsafeUnwrapErr().reason).toBe('Invalid')
    expect((await store.countRecords('t', 'student'))._unsafeUnwrap()).toBe(0)
  })

  // Regression: an error without a SQLSTATE (here JSON.stringify's TypeError) was called Unavailable,
  // which webhook senders retry forever.
  it('data JSON cannot hold (a BigInt) is Invalid, not retryable, and nothing is written', async () => {
    const store = await stores.create()
    const result = await store.applyBatch('t', 'student', {
      upserts: [
        { id: 'ok', fingerprint: 'a'.repeat(64), data: { name: 'fine' } },
        { id: 'big', fingerprint: 'b'.repeat(64), data: { n: 10n } },
      ],
      park: [],
      unpark: [],
    })
    expect(result._unsafeUnwrapErr().reason).toBe('Invalid')
    expect(result._unsafeUnwrapErr().retryable).toBe(false)
    expect((await store.countRecords('t', 'student'))._unsafeUnwrap()).toBe(0)
  })

  it('the same id twice in one batch is Invalid and nothing is written', async () => {
    const store = await stores.create()
    const write = { id: 'twice', fingerprint: 'a'.repeat(64), data: {} }
    const result = await store.applyBatch('t', 'student', {
      upserts: [write, { ...write, fingerprint: 'b'.repeat(64) }],
      park: [],
      unpark: [],
    })
    expect(result._unsafeUnwrapErr().reason).toBe('Invalid')
    expect((await store.countRecords('t', 'student'))._unsafeUnwrap()).toBe(0)
  })
})

// 500+ records into an empty entity take the COPY path on a server; the `json` column would accept a
// NUL escape there, so the Store refuses it itself, as the upsert path (and PGlite) do.
describe.each(['pg', 'pglite-memory'] as const)('a NUL character in a first load (%s)', (engine) => {
  const stores = storeFactory(engine)
  afterAll(() => stores.dispose())

  it('is Invalid and nothing is written, as on the upsert path', async () => {
    const store = await stores.create()
    const upserts = Array.from({ length: 600 }, (_, n) => ({
      id: `s${String(n).padStart(4, '0')}`,
      fingerprint: n.toString(16).padStart(64, '0'),
      data: { name: n === 599 ? 'bad\u0000name' : `fine \\u0000 ${n}` },
    }))
    const result = await store.applyBatch('t', 'student', { upserts, park: [], unpark: [] })
    expect(result._unsafeUnwrapErr().reason).toBe('Invalid')
    expect((await store.countRecords('t', 'student'))._unsafeUnwrap()).toBe(0)
    const clean = await store.applyBatch('t', 'student', {
      upserts: upserts.slice(0, 599),
      park: [],
      unpark: [],
    })
    expect(clean._unsafeUnwrap().size).toBe(599)
    const back = await store.readRecords('t', 'student', ['s0001'])
    expect(back._unsafeUnwrap().get('s0001')?.data).toEqual({ name: 'fine \\u0000 1' })
  })
})
