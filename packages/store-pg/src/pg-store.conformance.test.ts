import {
  describeClassEnrollmentsConformance,
  describeInboxCursorConformance,
  describeStoreConformance,
} from '@edusync/core/testing'
import { afterAll } from 'vitest'
import type { EngineName } from '../test/fixtures.ts'
import { storeFactory } from '../test/fixtures.ts'

// The shared suite, unmodified, on every engine: a real server, PGlite in memory and PGlite on disk.
// Each test gets a fresh store in its own schema, dropped afterwards.
const engines: [string, EngineName][] = [
  ['pg (PostgreSQL server)', 'pg'],
  ['pglite (in memory)', 'pglite-memory'],
  ['pglite (on disk)', 'pglite-disk'],
]

for (const [name, engine] of engines) {
  const stores = storeFactory(engine)
  afterAll(() => stores.dispose())
  describeStoreConformance(name, { create: () => stores.create(), teardown: () => stores.teardown() })
  describeClassEnrollmentsConformance(name, {
    create: () => stores.create(),
    teardown: () => stores.teardown(),
  })
  describeInboxCursorConformance(name, { create: () => stores.create(), teardown: () => stores.teardown() })
}
