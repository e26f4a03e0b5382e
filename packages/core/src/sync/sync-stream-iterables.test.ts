import { describe, expect, it } from 'vitest'
import { createMemoryStore, createSyncEngine } from '../index.ts'

const TENANT = 'iterables-academy'
const teacher = (id: string) => ({ id, name: `Teacher ${id}` })

// A plain iterable is read synchronously, batch by batch, and behaves as `for await` did over it.
describe('syncStream over a plain iterable', () => {
  it('awaits a record that is a promise, as for await does', async () => {
    const engine = createSyncEngine({ store: createMemoryStore() })
    const records = [teacher('a'), Promise.resolve(teacher('b')), teacher('c')]
    const result = await engine.syncStream({ tenant: TENANT, entity: 'teacher', records, batchSize: 2 })
    expect(result._unsafeUnwrap().counts).toMatchObject({ total: 3, new: 3, invalid: 0 })
  })

  it('reads a generator lazily, one batch ahead at most, and closes it when a batch fails', async () => {
    const store = createMemoryStore()
    const engine = createSyncEngine({ store })
    let pulled = 0
    let closed = false
    function* source() {
      try {
        for (let i = 0; i < 100; i++) {
          pulled++
          yield teacher(`t${i}`)
        }
      } finally {
        closed = true
      }
    }
    await store.close()
    const result = await engine.syncStream({
      tenant: TENANT,
      entity: 'teacher',
      records: source(),
      batchSize: 10,
    })
    expect(result.isErr()).toBe(true)
    // The first batch failed when written; the stream stopped within the next batch and closed the source.
    expect(pulled).toBeLessThanOrEqual(20)
    expect(closed).toBe(true)
  })

  it('reports a source that throws as a failed source, keeping the batches before it', async () => {
    const engine = createSyncEngine({ store: createMemoryStore() })
    function* source() {
      yield teacher('a')
      yield teacher('b')
      throw new Error('page 2 failed')
    }
    const result = await engine.syncStream({
      tenant: TENANT,
      entity: 'teacher',
      records: source(),
      batchSize: 2,
    })
    const error = result._unsafeUnwrapErr()
    expect(error.reason).toBe('Aborted')
    expect(error.message).toContain('page 2 failed')
    expect(error.completed).toMatchObject({ new: 2 })
  })
})
