import {
  describeClassEnrollmentsConformance,
  describeInboxCursorConformance,
  describeStoreConformance,
} from '../testing/index.ts'
import { createMemoryStore } from './memory-store.ts'

describeStoreConformance('memory', { create: async () => createMemoryStore() })
describeClassEnrollmentsConformance('memory', { create: async () => createMemoryStore() })
describeInboxCursorConformance('memory', { create: async () => createMemoryStore() })
