import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { databaseUrl, freshSchemaName } from '../test/fixtures.ts'
import { createPgStore, migrate } from './index.ts'
import { eventsSql } from './sql/events-sql.ts'
import { quoteIdent } from './sql/identifiers.ts'
import { recordsSql } from './sql/records-sql.ts'

// One connection, so `pg_prepared_statements` (per session) shows what the Store's statements left on it.
const pool = new pg.Pool({ connectionString: databaseUrl(), max: 1 })
pool.on('error', () => {})
const admin = new pg.Pool({ connectionString: databaseUrl(), max: 1 })
const schema = freshSchemaName()
const s = quoteIdent(schema)
const store = createPgStore({ pool, schema })

afterAll(async () => {
  await store.close()
  await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`)
  await Promise.all([pool.end(), admin.end()])
})

async function prepared(): Promise<{ pid: number; statements: Map<string, string> }> {
  const { rows } = await pool.query<{ name: string; statement: string; pid: number }>(
    'SELECT name, statement, pg_backend_pid() AS pid FROM pg_prepared_statements',
  )
  const { rows: pid } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
  return { pid: pid[0]?.pid ?? 0, statements: new Map(rows.map((r) => [r.statement, r.name])) }
}

const F1 = 'f'.repeat(64)

async function readFingerprints(ids: readonly string[]) {
  return (await store.readFingerprints('t1', 'program', ids))._unsafeUnwrap()
}

describe('named prepared statements on node-postgres', () => {
  const fixed = recordsSql(s).readFingerprints

  it('prepares fixed statements once per connection under a name derived from their text', async () => {
    const written = await store.applyBatch('t1', 'program', {
      upserts: [{ id: 'p1', fingerprint: F1, data: { name: 'one' } }],
      park: [],
      unpark: [],
    })
    expect(written._unsafeUnwrap().get('p1')).toBe('inserted')
    expect(await readFingerprints(['p1', 'p2'])).toEqual(new Map([['p1', F1]]))
    expect(await readFingerprints(['p2'])).toEqual(new Map())
    const { statements } = await prepared()
    const name = statements.get(fixed)
    expect(name).toMatch(/^edusync_[0-9a-f]{24}$/)
    // The same text always maps to the same name, and distinct texts to distinct names.
    expect(new Set(statements.values()).size).toBe(statements.size)
  })

  it('leaves texts built per call unnamed', async () => {
    const before = (await prepared()).statements.size
    await store.appendEvents('t1', [{ source: 'zoho', eventId: 'e1', type: 'created', payload: { a: 1 } }])
    const events = (await store.listEvents('t1', { source: 'zoho', handled: false }))._unsafeUnwrap()
    expect(events.map((e) => e.eventId)).toEqual(['e1'])
    await store.listEvents('t1', { type: 'created' })
    expect((await store.markEventsHandled('t1', 'zoho', ['e1']))._unsafeUnwrap()).toBe(1)
    // Another entity, so the program count below stays 1; the table is not empty, so this is the upsert.
    const updated = await store.applyBatch('t1', 'class', {
      upserts: [{ id: 'p9', fingerprint: 'e'.repeat(64), data: { name: 'nine' } }],
      park: [],
      unpark: [],
    })
    expect(updated._unsafeUnwrap().get('p9')).toBe('inserted')
    expect((await store.countRecords('t1', 'program'))._unsafeUnwrap()).toBe(1)
    const { statements } = await prepared()
    const variable = eventsSql(s).list({ source: true, type: false, handled: false, after: false })
    expect(statements.has(variable)).toBe(false)
    for (const text of statements.keys()) expect(text).not.toMatch(/WITH page AS/)
    // Fixed, but excluded on purpose: its generic plan would scan every tenant's records.
    expect(statements.has(recordsSql(s).countRecords)).toBe(false)
    // Fixed, but excluded on purpose: its generic plan scanned every pending event of the source (a
    // 50,000-event drain went from 36,000 to 6,700 events/s).
    expect(statements.has(eventsSql(s).markHandled)).toBe(false)
    // Likewise every `= ANY($n)` filter, the engine's upsert (its parked deletes) included.
    expect(statements.has(recordsSql(s).upsert)).toBe(false)
    // The fixed append statement is there, so the call did go through the named path.
    expect(statements.size).toBeGreaterThan(before)
  })

  it('keeps working after a schema change and after a migrate run', async () => {
    // What a later migration does to a table the cached plans read: PostgreSQL invalidates and replans them.
    await admin.query(`ALTER TABLE ${s}.records ADD COLUMN probe_extra text`)
    await admin.query(`CREATE INDEX probe_extra_idx ON ${s}.records (tenant, probe_extra)`)
    expect(await readFingerprints(['p1'])).toEqual(new Map([['p1', F1]]))
    await admin.query(`ALTER TABLE ${s}.records DROP COLUMN probe_extra`)
    expect(await readFingerprints(['p1'])).toEqual(new Map([['p1', F1]]))
    const migrated = await migrate({ pool, schema })
    expect(migrated.isOk()).toBe(true)
    expect(await readFingerprints(['p1'])).toEqual(new Map([['p1', F1]]))
  })

  it('prepares again on a new connection after the old one was terminated', async () => {
    const first = await prepared()
    expect(first.statements.has(fixed)).toBe(true)
    await admin.query('SELECT pg_terminate_backend($1)', [first.pid])
    // The pool notices the dead client on its next use; the Store's read may be the call that fails.
    await readFingerprints(['p1']).catch(() => undefined)
    await store.readFingerprints('t1', 'program', ['p1'])
    expect(await readFingerprints(['p1'])).toEqual(new Map([['p1', F1]]))
    const second = await prepared()
    expect(second.pid).not.toBe(first.pid)
    expect(second.statements.get(fixed)).toBe(first.statements.get(fixed))
  })
})

describe('preparedStatements: false', () => {
  it('sends every statement unnamed', async () => {
    const own = new pg.Pool({ connectionString: databaseUrl(), max: 1 })
    const plain = createPgStore({ pool: own, schema, preparedStatements: false })
    try {
      expect((await plain.readFingerprints('t1', 'program', ['p1']))._unsafeUnwrap()).toEqual(
        new Map([['p1', F1]]),
      )
      const { rows } = await own.query('SELECT count(*)::int AS n FROM pg_prepared_statements')
      expect(rows[0]?.n).toBe(0)
    } finally {
      await plain.close()
      await own.end()
    }
  })
})
