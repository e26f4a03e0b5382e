import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { databaseUrl, freshSchemaName, storeFactory } from '../test/fixtures.ts'
import { main } from './cli.ts'
import type { PgPoolLike } from './executor/pg-executor.ts'
import { pgExecutor } from './executor/pg-executor.ts'
import type { PgliteLike } from './executor/pglite-executor.ts'
import { pgliteExecutor } from './executor/pglite-executor.ts'
import type { PgStore } from './index.ts'
import { createPgStore, migrate, migrations } from './index.ts'
import { migrateSchema } from './migrate-schema.ts'
import { quoteIdent } from './sql/identifiers.ts'

const latest = migrations.at(-1)?.version ?? 0

describe('migrate on a PostgreSQL server', () => {
  const admin = new pg.Pool({ connectionString: databaseUrl(), max: 2 })
  const schemas: string[] = []
  const fresh = () => {
    const name = freshSchemaName()
    schemas.push(name)
    return name
  }
  afterEach(async () => {
    for (const schema of schemas.splice(0))
      await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`)
  })
  afterAll(() => admin.end())

  const applied = async (schema: string) =>
    (await admin.query(`SELECT version, name FROM ${quoteIdent(schema)}.schema_migrations ORDER BY version`))
      .rows

  it('creates the schema, its tables and the record of applied versions when run fresh', async () => {
    const schema = fresh()
    const result = await migrate({ connectionString: databaseUrl(), schema })
    expect(result._unsafeUnwrap()).toEqual({
      schema,
      applied: migrations.map((m) => m.name),
      version: latest,
    })
    const tables = await admin.query(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    )
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'deletion_quarantine',
      'finance_accruals',
      'finance_invoices',
      'finance_parked',
      'finance_parked_waiting',
      'finance_payments',
      'finance_schools',
      'finance_statement_versions',
      'idempotency_keys',
      'inbound_events',
      'inbound_handled_rounds',
      'inbound_pending',
      'links',
      'oauth_refresh_leases',
      'oauth_tokens',
      'parked',
      'parked_waiting',
      'push_ledger',
      'records',
      'registry_audit',
      'registry_items',
      'registry_tenants',
      'schema_migrations',
      'sync_runs',
    ])
    expect(await applied(schema)).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })))
  })

  it('applies nothing when re-run on a current schema', async () => {
    const schema = fresh()
    await migrate({ connectionString: databaseUrl(), schema })
    const again = await migrate({ connectionString: databaseUrl(), schema })
    expect(again._unsafeUnwrap()).toEqual({ schema, applied: [], version: latest })
    expect(await applied(schema)).toHaveLength(migrations.length)
  })

  it('is safe when several processes migrate the same schema at once', async () => {
    const schema = fresh()
    // Separate pools are separate server sessions, as separate processes would be.
    const results = await Promise.all(
      Array.from({ length: 4 }, () => migrate({ connectionString: databaseUrl(), schema })),
    )
    const appliedLists = results.map((r) => r._unsafeUnwrap().applied)
    expect(appliedLists.filter((list) => list.length > 0)).toEqual([migrations.map((m) => m.name)])
    expect(await applied(schema)).toHaveLength(migrations.length)
  })

  it('lets a role without DDL rights start a store on a current schema (no lock, no DDL when current)', async () => {
    const schema = fresh()
    await migrate({ connectionString: databaseUrl(), schema })
    const role = `app_${schema}`
    const q = quoteIdent(schema)
    await admin.query(`CREATE ROLE ${role} LOGIN`)
    try {
      await admin.query(`GRANT USAGE ON SCHEMA ${q} TO ${role}`)
      await admin.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${q} TO ${role}`)
      const url = new URL(databaseUrl())
      url.username = role
      const store = createPgStore({ connectionString: url.toString(), schema })
      expect((await store.countRecords('t', 'student'))._unsafeUnwrap()).toBe(0)
      await store.close()
    } finally {
      await admin.query(`DROP OWNED BY ${role}`)
      await admin.query(`DROP ROLE ${role}`)
    }
  })

  it('keeps schemas apart: a store in one schema does not see another schema', async () => {
    const stores = storeFactory('pg')
    const [one, two] = [await stores.create({ schema: fresh() }), await stores.create({ schema: fresh() })]
    const write = { id: 'same', fingerprint: 'a'.repeat(64), data: {} }
    await one.applyBatch('t', 'student', { upserts: [write], park: [], unpark: [] })
    expect((await two.countRecords('t', 'student'))._unsafeUnwrap()).toBe(0)
    await stores.dispose()
  })

  it('takes a schema name with SQL-significant characters literally', async () => {
    const schema = fresh().replace('test_', `te"s't; --`)
    schemas.push(schema)
    expect((await migrate({ connectionString: databaseUrl(), schema }))._unsafeUnwrap().applied).toHaveLength(
      migrations.length,
    )
    expect(await applied(schema)).toHaveLength(migrations.length)
  })

  it('fails with a StoreError, not a throw, when the server cannot be reached', async () => {
    const result = await migrate({ connectionString: 'postgres://nobody:secret@127.0.0.1:1/none' })
    expect(result._unsafeUnwrapErr().reason).toBe('Unavailable')
    expect(result._unsafeUnwrapErr().message).not.toContain('secret')
  })

  it('brings a schema migrated only to 0001 up to date on the next migrate, keeping its data', async () => {
    const schema = fresh()
    await migrateSchema(
      pgExecutor(admin as unknown as PgPoolLike, { owned: false }),
      schema,
      migrations.slice(0, 1),
    )
    await upgradesFromVersionOne(
      createPgStore({ connectionString: databaseUrl(), schema, migrate: false }),
      async (sql) => {
        await admin.query(sql)
      },
      quoteIdent(schema),
    )
    expect(await applied(schema)).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })))
  })

  it('keeps the inbox of a schema from before 0011: pending events queued in order, handled times kept', async () => {
    const schema = fresh()
    await migrateSchema(
      pgExecutor(admin as unknown as PgPoolLike, { owned: false }),
      schema,
      migrations.filter((m) => m.version < 11),
    )
    await upgradesInboxToQueue(
      createPgStore({ connectionString: databaseUrl(), schema, migrate: false }),
      async (sql) => {
        await admin.query(sql)
      },
      quoteIdent(schema),
    )
  })

  // Migrations developed side by side land out of number order: a schema at 0011 must still get 0010.
  // (0010 stands alone; 0002 does not, since 0011 reshapes its inbox.)
  it('applies a lower-numbered migration that was added after a higher one had been applied', async () => {
    const schema = fresh()
    const executor = pgExecutor(admin as unknown as PgPoolLike, { owned: false })
    const registry = migrations.find((m) => m.version === 10)
    const withoutRegistry = migrations.filter((m) => m !== registry)
    await migrateSchema(executor, schema, withoutRegistry)
    const later = await migrateSchema(executor, schema, migrations)
    expect(later.applied).toEqual([registry?.name])
    expect(await applied(schema)).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })))
    expect((await migrateSchema(executor, schema, migrations)).applied).toEqual([])
  })

  it('edusync-pg-migrate applies migrations from DATABASE_URL and --schema, then reports up to date', async () => {
    const schema = fresh()
    const log: string[] = []
    const original = console.log
    console.log = (line: string) => log.push(line)
    try {
      expect(await main(['--schema', schema], { DATABASE_URL: databaseUrl() })).toBe(0)
      expect(await main(['--schema', schema], { DATABASE_URL: databaseUrl() })).toBe(0)
    } finally {
      console.log = original
    }
    expect(log).toEqual([
      `applied ${migrations.map((m) => m.name).join(', ')} to schema "${schema}" (now version ${latest})`,
      `schema "${schema}" is up to date (version ${latest})`,
    ])
  })
})

describe('migrate on PGlite', () => {
  it('migrates an embedded database once and records it', async () => {
    const stores = storeFactory('pglite-memory')
    const store = await stores.create({ migrate: false })
    expect((await store.migrate())._unsafeUnwrap().applied).toEqual(migrations.map((m) => m.name))
    expect((await store.countRecords('t', 'student'))._unsafeUnwrap()).toBe(0)
    expect((await store.migrate())._unsafeUnwrap().applied).toEqual([])
    await stores.dispose()
  })

  it('keeps the inbox of a database from before 0011: pending events queued in order, handled times kept', async () => {
    const db = await PGlite.create()
    try {
      const pglite = db as unknown as PgliteLike
      await migrateSchema(
        pgliteExecutor(pglite, { owned: false }),
        'edusync',
        migrations.filter((m) => m.version < 11),
      )
      await upgradesInboxToQueue(
        createPgStore({ pglite, schema: 'edusync', migrate: false }),
        async (sql) => {
          await db.query(sql)
        },
        'edusync',
      )
    } finally {
      await db.close()
    }
  })

  it('brings a database migrated only to 0001 up to date on the next migrate, keeping its data', async () => {
    const db = await PGlite.create()
    try {
      const pglite = db as unknown as PgliteLike
      await migrateSchema(pgliteExecutor(pglite, { owned: false }), 'edusync', migrations.slice(0, 1))
      await upgradesFromVersionOne(
        createPgStore({ pglite, schema: 'edusync', migrate: false }),
        async (sql) => {
          await db.query(sql)
        },
        'edusync',
      )
    } finally {
      await db.close()
    }
  })
})

// An inbox written by the code before 0011 (the handled state in `inbound_events.handled_at`): after the
// migration its pending events are listed pending in their order, its handled ones keep their time, and
// both take part in marking and appending as events written afterwards do.
async function upgradesInboxToQueue(
  store: PgStore,
  exec: (sql: string) => Promise<void>,
  schema: string,
): Promise<void> {
  const handledAt = new Date('2026-01-02T03:04:05.678Z')
  const handledLater = new Date('2026-01-03T00:00:00.000Z')
  try {
    await exec(`INSERT INTO ${schema}.inbound_events (tenant, source, event_id, type, payload, received_at, handled_at)
      VALUES ('t', 'moodle', 'old-2', 'grade_updated', '{"n": 2}', '2026-01-01T00:00:02Z', NULL),
             ('t', 'moodle', 'old-1', 'user_created', '{"n": 1}', '2026-01-01T00:00:01Z', NULL),
             ('t', 'moodle', 'done', 'user_created', '{"n": 0}', '2026-01-01T00:00:00Z', '${handledAt.toISOString()}'),
             ('t', 'moodle', 'done-later', 'user_created', '{"n": 5}', '2026-01-01T00:00:00.5Z', '${handledLater.toISOString()}'),
             ('t', 'zoho', 'other', 'x', '{}', '2026-01-01T00:00:03Z', NULL),
             ('u', 'moodle', 'old-1', 'user_created', '{"n": 9}', '2026-01-01T00:00:01Z', NULL)`)
    expect((await store.migrate())._unsafeUnwrap().applied).toEqual(
      migrations.filter((m) => m.version >= 11).map((m) => m.name),
    )
    const pending = (await store.listEvents('t', { source: 'moodle', handled: false }))._unsafeUnwrap()
    expect(pending.map((e) => [e.eventId, e.type, e.payload, e.handledAt])).toEqual([
      ['old-1', 'user_created', { n: 1 }, null],
      ['old-2', 'grade_updated', { n: 2 }, null],
    ])
    const handled = (await store.listEvents('t', { handled: true }))._unsafeUnwrap()
    expect(handled.map((e) => [e.eventId, e.handledAt])).toEqual([
      ['done', handledAt],
      ['done-later', handledLater],
    ])
    expect((await store.listEvents('t'))._unsafeUnwrap().map((e) => e.eventId)).toEqual([
      'done',
      'done-later',
      'old-1',
      'old-2',
      'other',
    ])
    // Marking counts the pending one only; the handled one keeps its time.
    expect((await store.markEventsHandled('t', 'moodle', ['old-1', 'done']))._unsafeUnwrap()).toBe(1)
    const after = (await store.listEvents('t', { source: 'moodle' }))._unsafeUnwrap()
    expect(after.find((e) => e.eventId === 'done')?.handledAt).toEqual(handledAt)
    expect(after.find((e) => e.eventId === 'old-1')?.handledAt).toBeInstanceOf(Date)
    // Another tenant's event of the same id is still pending.
    expect((await store.listEvents('u', { handled: false }))._unsafeUnwrap().map((e) => e.eventId)).toEqual([
      'old-1',
    ])
    // A redelivery of a migrated event is a duplicate; a new one queues behind the old pending ones.
    const again = { source: 'moodle', eventId: 'old-2', type: 'grade_updated', payload: { n: 2 } }
    const fresh = { source: 'moodle', eventId: 'new-1', type: 'grade_updated', payload: { n: 3 } }
    expect((await store.appendEvents('t', [again, fresh]))._unsafeUnwrap()).toEqual({
      appended: ['new-1'],
      duplicates: ['old-2'],
    })
    const queued = (await store.listEvents('t', { source: 'moodle', handled: false }))._unsafeUnwrap()
    expect(queued.map((e) => e.eventId)).toEqual(['old-2', 'new-1'])
  } finally {
    await store.close()
  }
}

// A store on a version-1 schema: it has records (written by the version-1 code, so inserted here as
// that code wrote them: this code needs the tombstone columns), no inbox yet; migrate() applies exactly
// what is missing, after which the records are still there and live, and the inbox and deletes work.
async function upgradesFromVersionOne(
  store: PgStore,
  exec: (sql: string) => Promise<void>,
  schema: string,
): Promise<void> {
  try {
    await exec(`INSERT INTO ${schema}.records (tenant, entity, id, fingerprint, data, updated_at)
      VALUES ('t', 'student', 'kept', repeat('a', 64), '{"name": "Ada"}', now())`)
    expect((await store.listEvents('t'))._unsafeUnwrapErr().reason).toBe('Corrupt')
    expect((await store.migrate())._unsafeUnwrap()).toMatchObject({
      applied: migrations.slice(1).map((m) => m.name),
      version: latest,
    })
    expect((await store.countRecords('t', 'student'))._unsafeUnwrap()).toBe(1)
    expect((await store.readRecords('t', 'student', ['kept']))._unsafeUnwrap().get('kept')?.data).toEqual({
      name: 'Ada',
    })
    const del = { entity: 'student', id: 'kept', source: 'test', reason: 'upgrade' }
    expect((await store.applyDeletes('t', [del]))._unsafeUnwrap()).toEqual(['deleted'])
    const event = { source: 'moodle', eventId: 'e-1', type: 'user_created', payload: { userid: 1 } }
    expect((await store.appendEvents('t', [event]))._unsafeUnwrap()).toEqual({
      appended: ['e-1'],
      duplicates: [],
    })
    expect((await store.listEvents('t'))._unsafeUnwrap()).toMatchObject([
      { eventId: 'e-1', payload: { userid: 1 } },
    ])
  } finally {
    await store.close()
  }
}
