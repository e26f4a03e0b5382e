import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import type { PgStore, PgStoreFatalEvent } from '@edusync/store-pg'
import { createPgStore } from '@edusync/store-pg'
import type { HostConfig } from './config.ts'
import { hostOutboxTargets } from './moodle/dashboard-push.ts'

/** Where the host's Store lives, for the startup log (never the URL: it may hold a password). */
export type StoreKind = 'postgres' | 'pglite'

/**
 * Opens the Store: PostgreSQL when `DATABASE_URL` is set, else embedded PGlite persisted in `DATA_DIR`
 * (created if absent). Migrations are applied before the first request, so a bad database fails the
 * start, not a webhook. `onFatal` hears of an embedded PGlite crash (see `PgStoreCommonOptions.onFatal`).
 */
export async function openStore(
  config: HostConfig,
  onFatal?: (event: PgStoreFatalEvent) => void,
): Promise<{ store: PgStore; kind: StoreKind; migrated: readonly string[] }> {
  let store: PgStore
  let kind: StoreKind
  // Every write records its dashboard push in the same transaction (tenants whose switch is on).
  const outbox = { targets: hostOutboxTargets(config) }
  if (config.DATABASE_URL !== undefined) {
    store = createPgStore({
      connectionString: config.DATABASE_URL,
      poolSize: config.DATABASE_POOL_SIZE,
      outbox,
    })
    kind = 'postgres'
  } else {
    const dataDir = resolve(config.DATA_DIR)
    mkdirSync(dataDir, { recursive: true })
    store = createPgStore({ dataDir, outbox, ...(onFatal ? { onFatal } : {}) })
    kind = 'pglite'
  }
  const migrated = await store.migrate()
  if (migrated.isErr()) {
    await store.close()
    throw new Error(`could not migrate the ${kind} store: ${migrated.error.message}`)
  }
  return { store, kind, migrated: migrated.value.applied }
}
