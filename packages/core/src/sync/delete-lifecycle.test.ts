import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createMemoryStore } from '../store/memory-store.ts'
import { createSyncEngine } from './sync-engine.ts'

type Op = { kind: 'sync'; id: string; version: number } | { kind: 'delete'; id: string }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('sync' as const),
    id: fc.constantFrom('a', 'b', 'c'),
    version: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), id: fc.constantFrom('a', 'b', 'c') }),
)

const program = (id: string, version: number) => ({ id, name: `Program ${id} v${version}` })

describe('delete lifecycle (property)', () => {
  // The model: per id, absent, live at a version, or a tombstone of a version. Every outcome and the final
  // Store state must match it, whatever the sequence of syncs and deletes.
  it('outcomes and stored state follow the model for any sequence of syncs and deletes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const store = createMemoryStore()
        const engine = createSyncEngine({ store, deletionGuard: false })
        const model = new Map<string, { live: boolean; version: number }>()
        for (const step of ops) {
          const before = model.get(step.id)
          if (step.kind === 'sync') {
            const r = (
              await engine.syncBatch({
                tenant: 't',
                entity: 'program',
                records: [program(step.id, step.version)],
              })
            )._unsafeUnwrap()
            const expected = !before
              ? 'NEW'
              : !before.live
                ? 'RESTORED'
                : before.version === step.version
                  ? 'UNCHANGED'
                  : 'UPDATED'
            expect(r.outcomes[0]?.status).toBe(expected)
            model.set(step.id, { live: true, version: step.version })
          } else {
            const r = (
              await engine.deleteBatch({
                tenant: 't',
                entity: 'program',
                ids: [step.id],
                source: 'test',
                reason: 'property',
              })
            )._unsafeUnwrap()
            expect(r.outcomes[0]?.status).toBe(before?.live ? 'DELETED' : 'UNCHANGED')
            if (before) model.set(step.id, { live: false, version: before.version })
          }
        }
        const ids = ['a', 'b', 'c']
        const live = (await store.readRecords('t', 'program', ids))._unsafeUnwrap()
        const tombstones = (await store.readTombstones('t', 'program', ids))._unsafeUnwrap()
        for (const id of ids) {
          const m = model.get(id)
          const name = m ? program(id, m.version).name : undefined
          expect(live.get(id)?.data.name).toBe(m?.live ? name : undefined)
          expect(tombstones.get(id)?.data.name).toBe(m && !m.live ? name : undefined)
        }
        expect((await store.countRecords('t', 'program'))._unsafeUnwrap()).toBe(
          [...model.values()].filter((m) => m.live).length,
        )
      }),
      { numRuns: 150 },
    )
  })
})
