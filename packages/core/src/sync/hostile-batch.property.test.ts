import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { allEntities } from '../entities/index.ts'
import { createMemoryStore } from '../store/memory-store.ts'
import { hostileRecord, hostileValue } from '../testing/hostile-values.ts'
import { checkProperty, propertyTimeout } from '../testing/property-runs.ts'
import { createSyncEngine } from './sync-engine.ts'

const PER_BATCH = 20

describe('syncBatch on hostile input (property, >= 100,000 records in CI)', () => {
  it(
    'answers every batch with ok and one outcome per record, or err, and never throws or rejects',
    async () => {
      const engine = createSyncEngine({ store: createMemoryStore() })
      // One arbitrary per entity, built once (a chain would rebuild the generators for every run).
      const batch = fc.oneof(
        ...allEntities.map((e) =>
          fc.tuple(
            fc.constant(e.name),
            fc.oneof(
              {
                weight: 9,
                arbitrary: fc.array(hostileRecord(Object.keys(e.schema.shape)), { maxLength: PER_BATCH }),
              },
              { weight: 1, arbitrary: hostileValue() },
            ),
          ),
        ),
      )
      // A batch holds PER_BATCH / 2 records on average: that many inputs per run.
      await checkProperty(
        fc.asyncProperty(batch, async ([name, records]) => {
          const result = await engine.syncBatch({ tenant: 't', entity: name, records: records as unknown[] })
          if (result.isOk()) {
            expect(Array.isArray(records)).toBe(true)
            expect(result.value.outcomes).toHaveLength((records as unknown[]).length)
            expect(JSON.stringify(result.value.outcomes).length).toBeLessThan(2 * 1024 * 1024)
          } else {
            expect(result.error.reason).toBe('Invalid')
          }
        }),
        { inputsPerRun: PER_BATCH / 2 },
      )
    },
    propertyTimeout(),
  )
})
