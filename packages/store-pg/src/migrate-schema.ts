import type { SqlExecutor } from './executor/executor.ts'
import type { Migration } from './migrations/index.ts'
import { quoteIdent } from './sql/identifiers.ts'

/** What {@link migrate} did. */
export interface MigrateResult {
  /** The schema migrated. */
  readonly schema: string
  /** Names of migrations applied by this call (empty when the schema was already current). */
  readonly applied: readonly string[]
  /** The schema's version afterwards. */
  readonly version: number
}

// First key of the two-key advisory lock: "edus" in ASCII, so our lock does not collide with a host's.
const LOCK_CLASS = 0x65647573

/**
 * Applies pending migrations to `schema` in one transaction, under a transaction-scoped advisory lock on
 * the schema name: a second process running it at the same time waits, then finds nothing left to do.
 * Either every pending migration is applied and recorded, or none is.
 */
export async function migrateSchema(
  executor: SqlExecutor,
  schema: string,
  migrations: readonly Migration[],
): Promise<MigrateResult> {
  const s = quoteIdent(schema)
  // A current schema needs no lock and no DDL: hosts starting up read one row and go. Current means every
  // known version is recorded, not just the highest: migrations developed side by side can land out of
  // number order, and a lower one added after a higher one was applied must still run.
  const recorded = await recordedVersions(executor, s)
  if (recorded !== undefined && migrations.every((m) => recorded.has(m.version))) {
    return { schema, applied: [], version: Math.max(0, ...recorded) }
  }
  return executor.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [LOCK_CLASS, schema])
    await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${s}`)
    await tx.exec(
      `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    )
    const rows = await tx.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`)
    const done = new Set(rows.map((r) => Number(r.version)))
    const applied: string[] = []
    for (const migration of migrations) {
      if (done.has(migration.version)) continue
      await tx.exec(`SET LOCAL search_path TO ${s}`)
      await tx.exec(migration.sql)
      await tx.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ])
      applied.push(migration.name)
    }
    const version = Math.max(
      0,
      ...done,
      ...migrations.filter((m) => applied.includes(m.name)).map((m) => m.version),
    )
    return { schema, applied, version }
  })
}

// The recorded versions, or undefined when the schema or its migrations table does not exist yet.
async function recordedVersions(executor: SqlExecutor, s: string): Promise<ReadonlySet<number> | undefined> {
  try {
    const [row] = await executor.query<{ versions: number[] | null }>(
      `SELECT array_agg(version) AS versions FROM ${s}.schema_migrations`,
    )
    return new Set((row?.versions ?? []).map(Number))
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (code === '42P01' || code === '3F000') return undefined
    throw error
  }
}
