import { describeIdempotencyGroupsConformance } from '@edusync/core/testing'
import { afterAll } from 'vitest'
import type { EngineName } from '../test/fixtures.ts'
import { storeFactory } from '../test/fixtures.ts'

// The group claim and completion, on every engine: a real server, PGlite in memory and PGlite on disk.
const engines: [string, EngineName][] = [
  ['pg (PostgreSQL server)', 'pg'],
  ['pglite (in memory)', 'pglite-memory'],
  ['pglite (on disk)', 'pglite-disk'],
]

for (const [name, engine] of engines) {
  const stores = storeFactory(engine)
  afterAll(() => stores.dispose())
  describeIdempotencyGroupsConformance(name, {
    create: () => stores.create(),
    teardown: () => stores.teardown(),
  })
}
