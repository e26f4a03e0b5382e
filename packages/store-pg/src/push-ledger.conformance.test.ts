import { describePushLedgerConformance, describeTokenStoreConformance } from '@edusync/core/testing'
import { afterAll } from 'vitest'
import type { EngineName } from '../test/fixtures.ts'
import { storeFactory } from '../test/fixtures.ts'

// The shared PushLedger and TokenStore suites, unmodified, on a real server and on PGlite.
const engines: [string, EngineName][] = [
  ['pg (PostgreSQL server)', 'pg'],
  ['pglite (in memory)', 'pglite-memory'],
]

for (const [name, engine] of engines) {
  const stores = storeFactory(engine)
  afterAll(() => stores.dispose())
  describePushLedgerConformance(name, {
    create: async () => (await stores.create()).pushLedger,
    teardown: () => stores.teardown(),
  })
  describeTokenStoreConformance(name, {
    create: async () => (await stores.create()).tokenStore,
    teardown: () => stores.teardown(),
  })
}
