import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { inject } from 'vitest'
import type { PgliteLike } from '../src/executor/pglite-executor.ts'
import type { PgRegistry, PgStore, PgStoreCommonOptions } from '../src/index.ts'
import { createPgRegistry, createPgStore } from '../src/index.ts'
import { quoteIdent } from '../src/sql/identifiers.ts'

/** The real server's connection string (from DATABASE_URL or the global setup's own cluster). */
export const databaseUrl = (): string => inject('databaseUrl')

/** A schema name no other test uses. */
export const freshSchemaName = (): string => `test_${randomBytes(6).toString('hex')}`

/** The three engines every store test runs on. */
export type EngineName = 'pg' | 'pglite-memory' | 'pglite-disk'

/**
 * The engine under a factory: PGlite made on first use (in a temp directory for `pglite-disk`), an admin
 * pool for the server, schemas dropped on either; `release()` frees it all, the directory even when closing
 * fails (a test that broke the engine).
 */
function engineHandle(engine: EngineName) {
  let db: PGlite | undefined
  let dir: string | undefined
  let admin: pg.Pool | undefined
  async function pglite(): Promise<PGlite> {
    if (!db) {
      if (engine === 'pglite-disk') dir = mkdtempSync(join(tmpdir(), 'edusync-pglite-'))
      db = await PGlite.create(dir)
    }
    return db
  }
  return {
    pglite,
    async dropSchema(schema: string) {
      const statement = `DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`
      if (engine === 'pg') {
        admin ??= new pg.Pool({ connectionString: databaseUrl(), max: 1 })
        await admin.query(statement)
      } else await (await pglite()).exec(statement)
    },
    async release() {
      try {
        await admin?.end()
        await db?.close()
      } finally {
        if (dir) rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

/**
 * A factory of fresh, empty Stores on one engine: each `create()` gets its own schema; `teardown()` drops
 * the schemas it made and closes the stores; `dispose()` releases the engine itself (end of file).
 */
export function storeFactory(engine: EngineName) {
  const handle = engineHandle(engine)
  const made: { store: PgStore; schema: string }[] = []

  return {
    async create(options: PgStoreCommonOptions & { poolSize?: number; statementTimeoutMs?: number } = {}) {
      const schema = options.schema ?? freshSchemaName()
      const store =
        engine === 'pg'
          ? createPgStore({
              ...options,
              connectionString: databaseUrl(),
              schema,
              poolSize: options.poolSize ?? 4,
            })
          : createPgStore({ ...options, pglite: (await handle.pglite()) as unknown as PgliteLike, schema })
      made.push({ store, schema })
      return store
    },
    async teardown() {
      const list = made.splice(0)
      for (const { store } of list) await store.close()
      for (const { schema } of list) await handle.dropSchema(schema)
    },
    async dispose() {
      try {
        await this.teardown()
      } finally {
        await handle.release()
      }
    },
  }
}

/**
 * A factory of fresh, empty registries on one engine, like {@link storeFactory}: each `create()` gets its
 * own schema; `teardown()` closes them and drops their schemas; `dispose()` releases the engine.
 */
export function registryFactory(engine: EngineName) {
  const handle = engineHandle(engine)
  const made: { registry: PgRegistry; schema: string }[] = []

  return {
    async create(schema = freshSchemaName()): Promise<PgRegistry> {
      const registry =
        engine === 'pg'
          ? createPgRegistry({ connectionString: databaseUrl(), schema, poolSize: 4 })
          : createPgRegistry({ pglite: (await handle.pglite()) as unknown as PgliteLike, schema })
      made.push({ registry, schema })
      return registry
    },
    async teardown() {
      const list = made.splice(0)
      for (const { registry } of list) await registry.close()
      for (const { schema } of list) await handle.dropSchema(schema)
    },
    async dispose() {
      try {
        await this.teardown()
      } finally {
        await handle.release()
      }
    },
  }
}
