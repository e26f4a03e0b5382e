import type { RecordWrite } from '@edusync/core'
import { PGlite } from '@electric-sql/pglite'
import * as fc from 'fast-check'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import type { EngineName } from '../test/fixtures.ts'
import { databaseUrl, freshSchemaName } from '../test/fixtures.ts'
import type { PgClientLike, PgliteLike, PgPoolLike, PgStore } from './index.ts'
import { createPgStore } from './index.ts'

// 500+ upserts into an empty tenant/entity are written by COPY (FROM STDIN on a server, from a Blob in
// PGlite). These tests watch the statements at the driver boundary, so they know the COPY path ran.

const fp = (n: number) => n.toString(16).padStart(64, '0')
const ROWS = 600

/**
 * A Store on `engine` whose driver records the text of every statement it is given. PGlite stores share
 * `db` (one database, as two processes share a server).
 */
async function watchedStore(engine: EngineName, schema: string, db: () => Promise<PGlite>) {
  const statements: string[] = []
  const text = (q: unknown) =>
    typeof q === 'string' ? q : String((q as { text?: unknown } | null)?.text ?? '<query object>')
  if (engine === 'pg') {
    const pool = new pg.Pool({ connectionString: databaseUrl(), max: 4 })
    pool.on('error', () => {})
    const watched: PgPoolLike = {
      // biome-ignore lint/suspicious/noExplicitAny: forwards both overloads of pg's query
      query: ((q: any, values?: unknown[]) => {
        statements.push(text(q))
        return pool.query(q, values)
        // biome-ignore lint/suspicious/noExplicitAny: see above
      }) as any,
      async connect() {
        const client = await pool.connect()
        const wrapped: PgClientLike = {
          // biome-ignore lint/suspicious/noExplicitAny: forwards both overloads of pg's query
          query: ((q: any, values?: unknown[]) => {
            statements.push(text(q))
            return client.query(q, values)
            // biome-ignore lint/suspicious/noExplicitAny: see above
          }) as any,
          release: (destroy) => client.release(destroy as boolean | Error | undefined),
          on: (event, listener) => client.on(event, listener),
          off: (event, listener) => client.off(event, listener),
        }
        return wrapped
      },
      end: () => pool.end(),
    }
    return { store: createPgStore({ pool: watched, schema }), statements, close: () => pool.end() }
  }
  const lite = await db()
  const record = (q: {
    query: (t: string, p?: unknown[], o?: { blob?: Blob }) => Promise<{ rows: unknown[] }>
  }) =>
    ((t: string, p?: unknown[], o?: { blob?: Blob }) => {
      statements.push(t)
      return q.query(t, p, o)
    }) as PgliteLike['query']
  const watched: PgliteLike = {
    query: record(lite),
    exec: async (t) => {
      statements.push(t)
      return lite.exec(t)
    },
    transaction: (fn) =>
      lite.transaction((tx) =>
        fn({ query: record(tx), exec: async (t: string) => tx.exec(t) } as Parameters<typeof fn>[0]),
      ),
    close: async () => {},
  }
  return { store: createPgStore({ pglite: watched, schema }), statements, close: async () => {} }
}

// Text that means something to SQL, JSON or COPY's text format, mixed with arbitrary Unicode.
const significant = fc.constantFrom('\\', '\\.', '\t', '\n', '\r', '\\N', '"', "'", '{}', ',', '🎓', '\u2028')
const hostile = fc
  .array(fc.oneof(significant, fc.string({ unit: 'binary', maxLength: 5 })), { minLength: 1, maxLength: 5 })
  .map((parts) => parts.join('').replaceAll('\u0000', ''))

// The COPY statements among them (the pg executor sends BEGIN with its COPY).
const copied = (statements: readonly string[]) => statements.filter((s) => /^(BEGIN; )?COPY /.test(s)).length

describe.each<EngineName>(['pg', 'pglite-memory'])('a first load written by COPY (%s)', (engine) => {
  const opened: { store: PgStore; close: () => Promise<void> }[] = []
  let lite: Promise<PGlite> | undefined
  const db = () => {
    lite ??= PGlite.create()
    return lite
  }
  afterAll(async () => {
    for (const { store, close } of opened) {
      await store.close()
      await close()
    }
    await (await lite)?.close()
  })
  const open = async (schema = freshSchemaName()) => {
    const watched = await watchedStore(engine, schema, db)
    opened.push(watched)
    return watched
  }

  it('stores ids and data holding COPY- and SQL-significant text exactly as given', async () => {
    const { store, statements } = await open()
    let run = 0
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (idText, value) => {
        run++
        const tenant = `t\t${run}\\`
        const upserts: RecordWrite[] = Array.from({ length: ROWS }, (_, n) => ({
          id: `${n}:${idText}`,
          fingerprint: fp(n + 1),
          data: { name: `${value}${n}`, nested: { list: [value, `\\${n}`], n } },
        }))
        const before = copied(statements)
        const effects = (
          await store.applyBatch(tenant, 'student', { upserts, park: [], unpark: [] })
        )._unsafeUnwrap()
        expect(copied(statements)).toBe(before + 1)
        expect([...effects.values()].every((e) => e === 'inserted')).toBe(true)
        expect(effects.size).toBe(ROWS)
        const ids = upserts.map((w) => w.id)
        const stored = (await store.readRecords(tenant, 'student', ids))._unsafeUnwrap()
        expect(stored.size).toBe(ROWS)
        for (const w of upserts) {
          expect(stored.get(w.id)?.data).toEqual(w.data)
          expect(stored.get(w.id)?.fingerprint).toBe(w.fingerprint)
        }
      }),
      { numRuns: 6 },
    )
  })

  it('a batch that fails during the COPY writes nothing and unparks nothing', async () => {
    const { store, statements } = await open()
    const parked = {
      id: 's-0',
      fingerprint: fp(1),
      data: { v: 'parked' },
      waitingFor: [{ entity: 'x', id: 'y' }],
    }
    expect((await store.applyBatch('t', 'student', { upserts: [], park: [parked], unpark: [] })).isOk()).toBe(
      true,
    )
    const upserts: RecordWrite[] = Array.from({ length: ROWS }, (_, n) => ({
      id: `s-${n}`,
      fingerprint: fp(n + 1),
      // The last document cannot be serialised: the COPY is abandoned after the rows before it.
      data: n === ROWS - 1 ? { big: 1n } : { n },
    }))
    const result = await store.applyBatch('t', 'student', {
      upserts,
      park: [],
      unpark: upserts.map((w) => w.id),
    })
    expect(result.isErr()).toBe(true)
    expect((await store.countRecords('t', 'student'))._unsafeUnwrap()).toBe(0)
    expect((await store.listParked('t'))._unsafeUnwrap().map((p) => p.id)).toEqual(['s-0'])
    // The same batch without the bad document then loads, and unparks s-0 in the same transaction.
    const good = upserts.slice(0, ROWS - 1)
    const before = copied(statements)
    const written = await store.applyBatch('t', 'student', {
      upserts: good,
      park: [],
      unpark: good.map((w) => w.id),
    })
    expect(written._unsafeUnwrap().size).toBe(ROWS - 1)
    expect(copied(statements)).toBe(before + 1)
    expect((await store.countRecords('t', 'student'))._unsafeUnwrap()).toBe(ROWS - 1)
    expect((await store.listParked('t'))._unsafeUnwrap()).toEqual([])
  })

  it('an id another writer stored meanwhile sends the batch to the upsert, with the same outcomes', async () => {
    const schema = freshSchemaName()
    const { store: loader, statements } = await open(schema)
    const { store: other } = await open(schema)
    const batch = (from: number): RecordWrite[] =>
      Array.from({ length: ROWS }, (_, n) => ({
        id: `r-${from + n}`,
        fingerprint: fp(from + n + 1),
        data: { n: from + n },
      }))
    // The loader sees an empty entity and starts COPYing.
    expect(
      (await loader.applyBatch('t', 'student', { upserts: batch(0), park: [], unpark: [] })).isOk(),
    ).toBe(true)
    const copiedFirst = copied(statements)
    expect(copiedFirst).toBe(1)
    // Another Store writes one id of the loader's next batch, with other data.
    const taken = { id: `r-${ROWS + 7}`, fingerprint: fp(999_999), data: { n: 'theirs' } }
    expect((await other.applyBatch('t', 'student', { upserts: [taken], park: [], unpark: [] })).isOk()).toBe(
      true,
    )
    const effects = (
      await loader.applyBatch('t', 'student', { upserts: batch(ROWS), park: [], unpark: [] })
    )._unsafeUnwrap()
    expect(effects.get(taken.id)).toBe('updated')
    expect([...effects.values()].filter((e) => e === 'inserted')).toHaveLength(ROWS - 1)
    expect((await loader.countRecords('t', 'student'))._unsafeUnwrap()).toBe(2 * ROWS)
    const back = (await loader.readRecords('t', 'student', [taken.id]))._unsafeUnwrap().get(taken.id)
    expect(back?.data).toEqual({ n: ROWS + 7 })
    // The COPY was tried once more (and rolled back), then the pair stays on the upsert path.
    expect(copied(statements)).toBe(copiedFirst + 1)
    expect(
      (await loader.applyBatch('t', 'student', { upserts: batch(2 * ROWS), park: [], unpark: [] })).isOk(),
    ).toBe(true)
    expect(copied(statements)).toBe(copiedFirst + 1)
  })
})
