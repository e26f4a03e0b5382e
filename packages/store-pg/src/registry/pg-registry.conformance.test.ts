import { describeRegistryConformance } from '@edusync/core/testing'
import { afterAll } from 'vitest'
import type { EngineName } from '../../test/fixtures.ts'
import { registryFactory } from '../../test/fixtures.ts'

// The shared registry suite, unmodified, on a real server and on PGlite (memory and disk); each test
// gets its own schema, dropped afterwards.
const engines: [string, EngineName][] = [
  ['pg (PostgreSQL server)', 'pg'],
  ['pglite (in memory)', 'pglite-memory'],
  ['pglite (on disk)', 'pglite-disk'],
]

for (const [name, engine] of engines) {
  const registries = registryFactory(engine)
  afterAll(() => registries.dispose())
  describeRegistryConformance(name, {
    create: () => registries.create(),
    teardown: () => registries.teardown(),
  })
}
