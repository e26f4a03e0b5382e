/** @module The Redis statement cache for edusync: core's `StatementCache` port over ioredis. */
export type { RedisLike, RedisStatementCacheOptions } from './redis-statement-cache.ts'
export { createRedisStatementCache } from './redis-statement-cache.ts'
