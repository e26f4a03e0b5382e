import type { StoreError } from '@edusync/core'
import { ResultAsync } from 'neverthrow'
import type { MigrateResult } from './migrate-schema.ts'
import { migrateSchema } from './migrate-schema.ts'
import { migrations } from './migrations/index.ts'
import type { PgStoreConfig } from './pg-store-config.ts'
import { resolveConfig } from './pg-store-config.ts'
import { toStoreError } from './to-store-error.ts'

/**
 * Applies pending migrations to the configured schema and returns what it applied. Records applied
 * versions in `<schema>.schema_migrations`; holds an advisory lock on the schema name while it runs, so
 * several processes (or a deploy step and a starting host) can call it at once. A pool or PGlite passed
 * in is left open; one created from a connection string or data directory is closed.
 *
 * @example
 * ```ts
 * const result = await migrate({ connectionString: process.env.DATABASE_URL!, schema: 'edusync' })
 * if (result.isOk()) console.log(result.value.applied) // e.g. ['0001_init']
 * ```
 */
export function migrate(config: PgStoreConfig): ResultAsync<MigrateResult, StoreError> {
  return ResultAsync.fromPromise(
    (async () => {
      const resolved = resolveConfig(config)
      const executor = await resolved.open()
      try {
        return await migrateSchema(executor, resolved.schema, migrations)
      } finally {
        await executor.close()
      }
    })(),
    (error) => toStoreError('migrate', error),
  )
}
