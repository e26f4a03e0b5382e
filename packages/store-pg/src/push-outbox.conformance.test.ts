import { describePushOutboxConformance } from '@edusync/core/testing'
import { afterAll } from 'vitest'
import type { EngineName } from '../test/fixtures.ts'
import { storeFactory } from '../test/fixtures.ts'

// The shared outbox suite, unmodified: the ledger rows are written by the Store's own write transaction.
const engines: [string, EngineName][] = [
  ['pg (PostgreSQL server)', 'pg'],
  ['pglite (in memory)', 'pglite-memory'],
]

for (const [name, engine] of engines) {
  const stores = storeFactory(engine)
  afterAll(() => stores.dispose())
  describePushOutboxConformance(name, {
    create: async (targets) => {
      const store = await stores.create({ outbox: { targets } })
      return { store, ledger: store.pushLedger }
    },
    teardown: () => stores.teardown(),
  })
}
