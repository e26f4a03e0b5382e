import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { databaseUrl, freshSchemaName } from '../test/fixtures.ts'
import type { PgliteLike } from './executor/pglite-executor.ts'
import { createPgStore } from './index.ts'
import { quoteIdent } from './sql/identifiers.ts'

// markEventsHandled inserts handled rows without ON CONFLICT (a queued event has none: see events-sql.ts)
// and falls back to the tolerant statement when one exists anyway. The state is made by hand here, on a
// real server and on PGlite.
describe.each(['pg', 'pglite'] as const)('marking events that already have a handled row (%s)', (engine) => {
  let db: PGlite | undefined
  let admin: pg.Pool | undefined
  afterAll(async () => {
    await admin?.end()
    await db?.close()
  })

  async function setUp() {
    const schema = freshSchemaName()
    if (engine === 'pg') {
      admin ??= new pg.Pool({ connectionString: databaseUrl(), max: 1 })
      const pool = admin
      const store = createPgStore({ connectionString: databaseUrl(), schema, poolSize: 2 })
      return { store, schema, sql: async (text: string) => void (await pool.query(text)) }
    }
    db ??= await PGlite.create()
    const lite = db
    const store = createPgStore({ pglite: lite as unknown as PgliteLike, schema })
    return { store, schema, sql: async (text: string) => void (await lite.exec(text)) }
  }

  it('still takes every event off the queue, and a handled event keeps its first handled time', async () => {
    const { store, schema, sql } = await setUp()
    try {
      await store.migrate()
      const events = ['e-1', 'e-2'].map((eventId) => ({ source: 'moodle', eventId, type: 't', payload: {} }))
      expect((await store.appendEvents('t', events))._unsafeUnwrap().appended).toEqual(['e-1', 'e-2'])
      await sql(
        `INSERT INTO ${quoteIdent(schema)}.inbound_handled (tenant, source, event_id, handled_at)
         VALUES ('t', 'moodle', 'e-1', '2020-01-01T00:00:00Z')`,
      )

      expect((await store.markEventsHandled('t', 'moodle', ['e-1', 'e-2']))._unsafeUnwrap()).toBe(2)

      expect((await store.listEvents('t', { handled: false }))._unsafeUnwrap()).toEqual([])
      const handled = (await store.listEvents('t', { handled: true }))._unsafeUnwrap()
      expect(handled.map((e) => e.eventId)).toEqual(['e-1', 'e-2'])
      expect(handled[0]?.handledAt?.toISOString()).toBe('2020-01-01T00:00:00.000Z')
      expect(handled[1]?.handledAt?.getTime()).toBeGreaterThan(Date.parse('2025-01-01'))
      // Marked again: nothing is queued any more, nothing changes.
      expect((await store.markEventsHandled('t', 'moodle', ['e-1', 'e-2']))._unsafeUnwrap()).toBe(0)
    } finally {
      await store.close()
      await sql(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`)
    }
  })
})
