/**
 * `edusync-pg-migrate`: applies the Store's migrations.
 *
 * ```
 * DATABASE_URL=postgres://... edusync-pg-migrate [--schema edusync]
 * edusync-pg-migrate --pglite-dir ./data [--schema edusync]
 * ```
 *
 * The command itself is `bin/edusync-pg-migrate.js`, a committed script that calls {@link main} of the
 * built file, so installing the package never needs a build first.
 *
 * @module
 */
import { parseArgs } from 'node:util'
import { migrate } from './migrate.ts'
import type { PgStoreConfig } from './pg-store-config.ts'

const USAGE = 'usage: edusync-pg-migrate [--schema <name>] [--pglite-dir <dir>]   (DATABASE_URL for a server)'

/** Runs the CLI with the given arguments and environment; returns the process exit code. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let values: { schema?: string; 'pglite-dir'?: string; help?: boolean }
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      options: {
        schema: { type: 'string' },
        'pglite-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`)
    return 2
  }
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const schema = values.schema
  let config: PgStoreConfig
  if (values['pglite-dir']) config = { dataDir: values['pglite-dir'], schema }
  else if (env.DATABASE_URL) config = { connectionString: env.DATABASE_URL, schema }
  else {
    console.error(`set DATABASE_URL or pass --pglite-dir\n${USAGE}`)
    return 2
  }
  let result: Awaited<ReturnType<typeof migrate>>
  try {
    result = await migrate(config)
  } catch (error) {
    console.error((error as Error).message)
    return 2
  }
  if (result.isErr()) {
    console.error(`edusync-pg-migrate: ${result.error.reason}: ${result.error.message}`)
    return 1
  }
  const { applied, version } = result.value
  console.log(
    applied.length === 0
      ? `schema "${result.value.schema}" is up to date (version ${version})`
      : `applied ${applied.join(', ')} to schema "${result.value.schema}" (now version ${version})`,
  )
  return 0
}
