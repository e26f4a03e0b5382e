/** @module The Postgres Store for edusync: node-postgres in production, embedded PGlite by default. */
export type { PgClientLike, PgPoolLike, PgQueryConfig } from './executor/pg-executor.ts'
export type { PgliteLike, PgliteQueryable } from './executor/pglite-executor.ts'
export { migrate } from './migrate.ts'
export type { MigrateResult } from './migrate-schema.ts'
export type { Migration } from './migrations/index.ts'
export { migrations } from './migrations/index.ts'
export type { PgFinanceStore } from './pg-finance-store.ts'
export { createPgFinanceStore } from './pg-finance-store.ts'
export type { PgStore } from './pg-store.ts'
export { createPgStore } from './pg-store.ts'
export type {
  PgConnectionConfig,
  PgliteEmbeddedConfig,
  PgliteInstanceConfig,
  PgPoolConfig,
  PgStoreCommonOptions,
  PgStoreConfig,
  PgStoreFatalEvent,
} from './pg-store-config.ts'
export type { PgRegistry } from './registry/pg-registry.ts'
export { createPgRegistry } from './registry/pg-registry.ts'
