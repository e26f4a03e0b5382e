import { describeFinanceStoreConformance } from '../testing/finance-conformance.ts'
import { createMemoryFinanceStore } from './memory-finance-store.ts'

describeFinanceStoreConformance('memory', { create: async () => createMemoryFinanceStore() })
