import { describeRegistryConformance } from '../testing/registry-conformance.ts'
import { createMemoryRegistry } from './memory-registry.ts'

describeRegistryConformance('memory', { create: async () => createMemoryRegistry() })
