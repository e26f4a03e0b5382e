import { describeIdempotencyGroupsConformance } from '../testing/index.ts'
import { createMemoryStore } from './memory-store.ts'

describeIdempotencyGroupsConformance('memory', { create: async () => createMemoryStore() })
