import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import type { PgliteLike } from '../src/executor/pglite-executor.ts'
import type { PgFinanceStore } from '../src/index.ts'
import { createPgFinanceStore } from '../src/index.ts'
import { quoteIdent } from '../src/sql/identifiers.ts'
import { databaseUrl, freshSchemaName } from './fixtures.ts'

/** Fresh, empty finance Stores on one engine, each in its own schema (dropped by `teardown`). */
export function financeStoreFactory(engine: 'pg' | 'pglite-memory') {
  let db: PGlite | undefined
  let admin: pg.Pool | undefined
  const made: { store: PgFinanceStore; schema: string }[] = []
  const pglite = async () => {
    db ??= await PGlite.create()
    return db
  }
  return {
    async create(options: { poolSize?: number } = {}) {
      const schema = freshSchemaName()
      const store =
        engine === 'pg'
          ? createPgFinanceStore({ connectionString: databaseUrl(), schema, poolSize: options.poolSize ?? 4 })
          : createPgFinanceStore({ pglite: (await pglite()) as unknown as PgliteLike, schema })
      made.push({ store, schema })
      return store
    },
    async teardown() {
      for (const { store, schema } of made.splice(0)) {
        await store.close()
        const statement = `DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`
        if (engine === 'pg') {
          admin ??= new pg.Pool({ connectionString: databaseUrl(), max: 1 })
          await admin.query(statement)
        } else await (await pglite()).exec(statement)
      }
    },
    async dispose() {
      await this.teardown()
      await admin?.end()
      await db?.close()
    },
  }
}
