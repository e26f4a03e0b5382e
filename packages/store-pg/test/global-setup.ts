import type { TestProject } from 'vitest/node'
import { startPostgres } from './pg-server.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the real PostgreSQL server the tests use. */
    databaseUrl: string
  }
}

/** Uses DATABASE_URL when given; otherwise starts a throw-away cluster and stops it after the run. */
export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  const given = process.env.DATABASE_URL
  if (given) {
    project.provide('databaseUrl', given)
    return undefined
  }
  const server = await startPostgres()
  project.provide('databaseUrl', server.url)
  return () => server.stop()
}
