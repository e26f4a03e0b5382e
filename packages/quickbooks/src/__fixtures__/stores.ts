// The Stores the sync tests run on: memory, PGlite, and a real PostgreSQL (fresh schema per store).
import { randomBytes } from 'node:crypto'
import type { PushLedger, Store, TokenStore } from '@edusync/core'
import { createMemoryPushLedger, createMemoryStore, createMemoryTokenStore } from '@edusync/core'
import { createPgStore } from '@edusync/store-pg'
import { inject } from 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string
  }
}

/** A Store with its push ledger and token store. */
export interface StoreSet {
  readonly store: Store
  readonly ledger: PushLedger
  readonly tokens: TokenStore
  close(): Promise<void>
}

/** The engines every sync behaviour runs on. */
export const storeEngines = ['memory', 'pglite', 'pg'] as const

/** A fresh Store set on an engine. */
export async function freshStores(engine: (typeof storeEngines)[number]): Promise<StoreSet> {
  if (engine === 'memory') {
    return {
      store: createMemoryStore(),
      ledger: createMemoryPushLedger(),
      tokens: createMemoryTokenStore(),
      close: async () => {},
    }
  }
  const pg =
    engine === 'pg'
      ? createPgStore({
          connectionString: inject('databaseUrl'),
          schema: `qb_${randomBytes(5).toString('hex')}`,
          poolSize: 3,
        })
      : createPgStore({})
  return { store: pg, ledger: pg.pushLedger, tokens: pg.tokenStore, close: () => pg.close() }
}
