import { describePushLedgerConformance } from '../testing/push-ledger-conformance.ts'
import { createMemoryPushLedger } from './memory-push-ledger.ts'

describePushLedgerConformance('memory', { create: async () => createMemoryPushLedger() })
