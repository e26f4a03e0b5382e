import { describeStatementCacheConformance } from '../testing/statement-cache-conformance.ts'
import { createMemoryStatementCache } from './statement-cache.ts'

describeStatementCacheConformance('memory', { create: async () => createMemoryStatementCache() })
