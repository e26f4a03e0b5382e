import type { TestProject } from 'vitest/node'
import { startRedis } from './redis-server.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the real redis-server the tests use. */
    redisUrl: string
  }
}

/** Uses REDIS_URL when given; otherwise starts a throw-away redis-server on loopback and stops it after. */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.REDIS_URL
  if (given) {
    project.provide('redisUrl', given)
    return undefined
  }
  const server = await startRedis()
  project.provide('redisUrl', server.url)
  return () => server.stop()
}
