import type {
  AuditContext,
  ConfigItem,
  ConfigKind,
  ExpectedVersion,
  TenantRecord,
  TenantRegistry,
  WriteResult,
} from '@edusync/core'
import { checkRegistryInput, redactSecrets, StoreError, versionMatches } from '@edusync/core'
import { errAsync, ResultAsync } from 'neverthrow'
import type { SqlExecutor, SqlSession } from '../executor/executor.ts'
import { migrateSchema } from '../migrate-schema.ts'
import { migrations } from '../migrations/index.ts'
import type { PgStoreConfig } from '../pg-store-config.ts'
import { resolveConfig } from '../pg-store-config.ts'
import { quoteIdent } from '../sql/identifiers.ts'
import type { AuditRow, ItemRow, TenantRow } from '../sql/registry-sql.ts'
import { registrySql, toAudit, toItem, toTenant } from '../sql/registry-sql.ts'
import { toStoreError } from '../to-store-error.ts'

/** The Postgres {@link TenantRegistry} plus the schema it lives in. */
export interface PgRegistry extends TenantRegistry {
  /** The Postgres schema holding the registry's tables (the same migrations as the Store's). */
  readonly schema: string
}

// A create that lost a race to a concurrent creator is retried from the top (it then sees the row).
const RACE_RETRIES = 3

/**
 * Creates a {@link TenantRegistry} over PostgreSQL or PGlite, in the same schema and through the same
 * migrations as {@link createPgStore}. Give it the same `{ pool }` / `{ pglite }` as the Store to share one
 * database; with `{}` it opens its own in-memory PGlite. Every write and its audit entry are one
 * transaction; compare-and-set holds across processes (row locks, not process memory).
 *
 * @example
 * ```ts
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL })
 * const store = createPgStore({ pool })
 * const registry = createPgRegistry({ pool })
 * ```
 */
export function createPgRegistry(config: PgStoreConfig = {}): PgRegistry {
  const resolved = resolveConfig(config)
  const sql = registrySql(quoteIdent(resolved.schema))
  let closed = false
  let opening: Promise<SqlExecutor> | undefined

  function ready(): Promise<SqlExecutor> {
    opening ??= (async () => {
      const executor = await resolved.open()
      if (resolved.migrate) await migrateSchema(executor, resolved.schema, migrations)
      return executor
    })().catch((error: unknown) => {
      opening = undefined
      throw error
    })
    return opening
  }

  function op<T>(operation: string, fn: (x: SqlExecutor) => Promise<T>): ResultAsync<T, StoreError> {
    if (closed) return errAsync(new StoreError('Unavailable', `${operation}: the registry is closed`))
    return ResultAsync.fromPromise((async () => fn(await ready()))(), (error) =>
      toStoreError(operation, error),
    )
  }

  const iso = (audit: AuditContext) => audit.now?.toISOString() ?? null

  async function appendAudit(
    tx: SqlSession,
    tenant: string,
    audit: AuditContext,
    entry: { action: string; kind: ConfigKind | 'tenant'; key: string; before: unknown; after: unknown },
  ) {
    await tx.query(sql.appendAudit, [
      tenant,
      audit.actor,
      iso(audit),
      entry.action,
      entry.kind,
      entry.key,
      JSON.stringify(redactSecrets(entry.before)),
      JSON.stringify(redactSecrets(entry.after)),
    ])
  }

  // Retries a transaction whose create lost a race (it returned `undefined`), so `'any'` stays unconditional.
  async function withRaceRetry<T>(x: SqlExecutor, fn: (tx: SqlSession) => Promise<T | undefined>) {
    for (let attempt = 0; attempt < RACE_RETRIES; attempt++) {
      const result = await x.transaction(fn)
      if (result !== undefined) return result
    }
    throw new StoreError('Conflict', 'a concurrent writer kept creating the same row; retry')
  }

  return {
    schema: resolved.schema,

    listTenants() {
      return op('listTenants', async (x) => (await x.query<TenantRow>(sql.listTenants)).map(toTenant))
    },

    getTenant(tenant) {
      return op('getTenant', async (x) => {
        checkRegistryInput('getTenant', { tenant })
        const [row] = await x.query<TenantRow>(sql.getTenant, [tenant])
        return row && toTenant(row)
      })
    },

    putTenant(tenant, write, expected, audit) {
      return op('putTenant', (x) => {
        checkRegistryInput('putTenant', { tenant, expected, name: write.name, status: write.status })
        return withRaceRetry(x, async (tx): Promise<WriteResult<TenantRecord> | undefined> => {
          const [locked] = await tx.query<TenantRow>(sql.lockTenant, [tenant])
          const before = locked && toTenant(locked)
          if (!versionMatches(before?.version ?? 0, expected)) return { status: 'stale', current: before }
          const params = [tenant, write.name, write.status, iso(audit)]
          const [row] = await tx.query<TenantRow>(before ? sql.updateTenant : sql.insertTenant, params)
          if (!row) return undefined
          await appendAudit(tx, tenant, audit, {
            action: before ? 'update' : 'create',
            kind: 'tenant',
            key: tenant,
            before: before ? { name: before.name, status: before.status } : null,
            after: { name: write.name, status: write.status },
          })
          return { status: 'written', value: toTenant(row) }
        })
      })
    },

    getConfig(tenant, kind, key) {
      return op('getConfig', async (x) => {
        checkRegistryInput('getConfig', { tenant, kind, key })
        const [row] = await x.query<ItemRow>(sql.getItem, [tenant, kind, key])
        return row && toItem(row)
      })
    },

    listConfig(tenant, kind) {
      return op('listConfig', async (x) => {
        checkRegistryInput('listConfig', kind === undefined ? { tenant } : { tenant, kind })
        return (await x.query<ItemRow>(sql.listItems, [tenant, kind ?? null])).map(toItem)
      })
    },

    putConfig(tenant, kind, key, value, expected, audit) {
      return op('putConfig', (x) => {
        checkRegistryInput('putConfig', { tenant, kind, key, value, expected })
        const json = JSON.stringify(value)
        return withRaceRetry(x, async (tx): Promise<WriteResult<ConfigItem> | undefined> => {
          // FOR SHARE keeps the tenant from vanishing mid-write and names it when it is not registered.
          const [owner] = await tx.query(`${sql.getTenant} FOR SHARE`, [tenant])
          if (!owner) {
            throw new StoreError('Invalid', `putConfig: tenant ${JSON.stringify(tenant)} is not registered`)
          }
          const [locked] = await tx.query<ItemRow>(sql.lockItem, [tenant, kind, key])
          const before = locked && toItem(locked)
          if (!versionMatches(before?.version ?? 0, expected)) return { status: 'stale', current: before }
          const params = [tenant, kind, key, json, iso(audit)]
          const [row] = await tx.query<ItemRow>(before ? sql.updateItem : sql.insertItem, params)
          if (!row) return undefined
          const after = toItem(row)
          await appendAudit(tx, tenant, audit, {
            action: before ? 'update' : 'create',
            kind,
            key,
            before: before?.value ?? null,
            after: after.value,
          })
          return { status: 'written', value: after }
        })
      })
    },

    deleteConfig(tenant, kind, key, expected: ExpectedVersion, audit) {
      return op('deleteConfig', (x) => {
        checkRegistryInput('deleteConfig', { tenant, kind, key, expected })
        return x.transaction(async (tx): Promise<WriteResult<ConfigItem>> => {
          const [locked] = await tx.query<ItemRow>(sql.lockItem, [tenant, kind, key])
          const before = locked && toItem(locked)
          if (!before || !versionMatches(before.version, expected))
            return { status: 'stale', current: before }
          await tx.query(sql.deleteItem, [tenant, kind, key])
          await appendAudit(tx, tenant, audit, {
            action: 'delete',
            kind,
            key,
            before: before.value,
            after: null,
          })
          return { status: 'written', value: before }
        })
      })
    },

    listAudit(tenant, options = {}) {
      return op('listAudit', async (x) => {
        checkRegistryInput('listAudit', { tenant })
        const rows = await x.query<AuditRow>(sql.listAudit, [
          tenant,
          options.kind ?? null,
          options.limit ?? 100,
        ])
        return rows.map(toAudit)
      })
    },

    listSealedItems() {
      return op('listSealedItems', async (x) =>
        (await x.query<ItemRow & { tenant: string }>(sql.sealedItems)).map((r) => ({
          ...toItem(r),
          tenant: r.tenant,
        })),
      )
    },

    async close() {
      if (closed) return
      closed = true
      const current = opening ? await opening.catch(() => undefined) : undefined
      opening = undefined
      await current?.close()
    },
  }
}
