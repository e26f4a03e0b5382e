import { describeStatementCacheConformance } from '@edusync/core/testing'
import { Redis } from 'ioredis'
import { afterAll, describe, inject } from 'vitest'
import { createRedisStatementCache } from './redis-statement-cache.ts'

describeStatementCacheConformance('redis (url)', {
  create: async () => createRedisStatementCache({ url: inject('redisUrl'), keyPrefix: 'test:url:' }),
})

describe('with a host client', () => {
  const client = new Redis(inject('redisUrl'))
  afterAll(async () => {
    await client.quit()
  })
  describeStatementCacheConformance('redis (client)', {
    create: async () => createRedisStatementCache({ client, keyPrefix: 'test:client:' }),
  })
})
