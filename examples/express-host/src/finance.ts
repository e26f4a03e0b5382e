import { resolve } from 'node:path'
import { createRedisStatementCache } from '@edusync/cache-redis'
import type { Store } from '@edusync/core'
import type { Finance } from '@edusync/core/finance'
import { createFinance, createMemoryStatementCache } from '@edusync/core/finance'
import { createPgFinanceStore } from '@edusync/store-pg'
import type { HostConfig } from './config.ts'
import type { Logger } from './logging.ts'

/**
 * Opens the finance side: the Postgres FinanceStore in the same database as the Store (or, with embedded
 * PGlite, its own PGlite directory beside DATA_DIR: one PGlite directory cannot be opened twice), and the
 * statement cache: Redis when `REDIS_URL` is set, in-process otherwise.
 */
export async function openFinance(
  config: HostConfig,
  store: Store,
  logger: Logger,
): Promise<{ finance: Finance; close: () => Promise<void> }> {
  const financeStore =
    config.DATABASE_URL !== undefined
      ? createPgFinanceStore({ connectionString: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE })
      : createPgFinanceStore({ dataDir: `${resolve(config.DATA_DIR)}-finance` })
  const cache =
    config.REDIS_URL !== undefined
      ? createRedisStatementCache({ url: config.REDIS_URL })
      : createMemoryStatementCache()
  const finance = createFinance({ store, finance: financeStore, cache, logger })
  return {
    finance,
    close: async () => {
      // Statements are cached in the background: let those writes land before the cache goes.
      await finance.cacheIdle()
      await cache.close()
      await financeStore.close()
    },
  }
}
