import { createMemoryStore } from '../store/memory-store.ts'
import { describePushOutboxConformance } from '../testing/push-outbox-conformance.ts'
import { createMemoryPushLedger } from './memory-push-ledger.ts'

describePushOutboxConformance('memory', {
  create: async (targets) => {
    const ledger = createMemoryPushLedger()
    return { ledger, store: createMemoryStore({ outbox: { targets, ledger } }) }
  },
})
