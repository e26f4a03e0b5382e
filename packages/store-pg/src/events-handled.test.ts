import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { databaseUrl, freshSchemaName } from '../test/fixtures.ts'
import type { PgliteLike } from './executor/pglite-executor.ts'
import { createPgStore } from './index.ts'
import { quoteIdent } from './sql/identifiers.ts'

// markEventsHandled records one round row per marking (the handled events' seqs as a multirange, migration
// 0017) instead of a row per event. These check what that representation must still answer exactly as the
// row-per-event one did, on a real server and on PGlite: each event's own handled time, gaps left by
// events that stay pending, and nothing recorded for a marking that took nothing off the queue.
describe.each(['pg', 'pglite'] as const)('handled rounds (%s)', (engine) => {
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
      const query = async (text: string) => (await pool.query(text)).rows as Record<string, unknown>[]
      return { store, schema, query }
    }
    db ??= await PGlite.create()
    const lite = db
    const store = createPgStore({ pglite: lite as unknown as PgliteLike, schema })
    const query = async (text: string) => (await lite.query(text)).rows as Record<string, unknown>[]
    return { store, schema, query }
  }

  const events = (ids: string[], source = 'moodle') =>
    ids.map((eventId) => ({ source, eventId, type: 'grade_updated', payload: { eventId } }))
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

  it('keeps each event its own marking time, around events that stay pending', async () => {
    const { store, schema, query } = await setUp()
    try {
      await store.migrate()
      await store.appendEvents('t', events(['e-1', 'e-2', 'e-3', 'e-4', 'e-5']))
      await store.appendEvents('u', events(['e-3']))
      // The first round leaves e-3 pending in the middle of it.
      expect((await store.markEventsHandled('t', 'moodle', ['e-1', 'e-2', 'e-4']))._unsafeUnwrap()).toBe(3)
      await pause(5)
      expect((await store.markEventsHandled('t', 'moodle', ['e-3']))._unsafeUnwrap()).toBe(1)

      const all = (await store.listEvents('t', { source: 'moodle' }))._unsafeUnwrap()
      const at = new Map(all.map((e) => [e.eventId, e.handledAt?.getTime() ?? null]))
      const first = at.get('e-1')
      expect(first).toEqual(expect.any(Number))
      expect([at.get('e-2'), at.get('e-4')]).toEqual([first, first])
      expect(at.get('e-3')).toBeGreaterThan(first ?? Number.POSITIVE_INFINITY)
      expect(at.get('e-5')).toBeNull()
      const handled = (await store.listEvents('t', { handled: true }))._unsafeUnwrap()
      expect(handled.map((e) => e.eventId)).toEqual(['e-1', 'e-2', 'e-3', 'e-4'])
      expect((await store.listEvents('t', { handled: false }))._unsafeUnwrap().map((e) => e.eventId)).toEqual(
        ['e-5'],
      )
      // The other tenant's event of the same id is untouched.
      const other = (await store.listEvents('u'))._unsafeUnwrap()
      expect(other.map((e) => [e.eventId, e.handledAt])).toEqual([['e-3', null]])
      // Two markings, two rows: the first as two ranges (e-3's seq is not in it).
      const rounds = await query(
        `SELECT seqs::text AS seqs FROM ${quoteIdent(schema)}.inbound_handled_rounds ORDER BY handled_at`,
      )
      expect(rounds).toHaveLength(2)
      expect(String(rounds[0]?.seqs).match(/\[/g)).toHaveLength(2)
    } finally {
      await store.close()
      await query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`)
    }
  })

  it('records nothing for a marking that took nothing, and counts a concurrently marked event once', async () => {
    const { store, schema, query } = await setUp()
    try {
      await store.migrate()
      await store.appendEvents('t', events(['a', 'b', 'c']))
      const marks = await Promise.all([
        store.markEventsHandled('t', 'moodle', ['a', 'b', 'c']),
        store.markEventsHandled('t', 'moodle', ['c', 'b', 'a']),
      ])
      expect(marks.map((m) => m._unsafeUnwrap()).reduce((x, y) => x + y, 0)).toBe(3)
      const before = await query(`SELECT handled_at FROM ${quoteIdent(schema)}.inbound_handled_rounds`)
      // Already handled, unknown, or another source's: nothing changes and no round is recorded.
      expect((await store.markEventsHandled('t', 'moodle', ['a', 'nope']))._unsafeUnwrap()).toBe(0)
      expect((await store.markEventsHandled('t', 'zoho', ['b']))._unsafeUnwrap()).toBe(0)
      expect(await query(`SELECT handled_at FROM ${quoteIdent(schema)}.inbound_handled_rounds`)).toEqual(
        before,
      )
      const listed = (await store.listEvents('t', { handled: true }))._unsafeUnwrap()
      expect(listed.map((e) => e.eventId)).toEqual(['a', 'b', 'c'])
      expect(listed.every((e) => e.handledAt instanceof Date)).toBe(true)
    } finally {
      await store.close()
      await query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`)
    }
  })
})
