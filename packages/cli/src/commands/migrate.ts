import type { CliContext } from '../context.ts'
import type { Io } from '../output.ts'
import { EXIT, json } from '../output.ts'

/** `edusync migrate`: applies the Store's pending migrations. */
export async function migrateCommand(ctx: CliContext, io: Io, asJson: boolean): Promise<number> {
  const result = await ctx.store.migrate()
  if (result.isErr()) {
    io.err(`edusync migrate: ${result.error.reason}: ${result.error.message}`)
    return EXIT.failures
  }
  const { applied, version, schema } = result.value
  if (asJson) io.out(json({ schema, version, applied }))
  else
    io.out(
      applied.length === 0
        ? `schema "${schema}" is up to date (version ${version})`
        : `applied ${applied.join(', ')} to schema "${schema}" (now version ${version})`,
    )
  return EXIT.ok
}
