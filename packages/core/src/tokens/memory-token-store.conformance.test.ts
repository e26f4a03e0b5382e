import { describeTokenStoreConformance } from '../testing/token-store-conformance.ts'
import { createMemoryTokenStore } from './memory-token-store.ts'

describeTokenStoreConformance('memory', { create: async () => createMemoryTokenStore() })
