import { ResultAsync } from 'neverthrow'
import { describe, expect, it } from 'vitest'
import type { Store } from '../index.ts'
import { createMemoryStore, createSyncEngine } from '../index.ts'

const TENANT = 'read-ahead-academy'
const teacher = (id: string, name = `Teacher ${id}`) => ({ id, name })

/**
 * A memory Store whose batch writes take a few milliseconds, as a database's do, logging when each
 * Store call starts and when each write ends: what lets a stream overlap the next batch's reads with
 * the current batch's write, and lets the test see whether it did.
 */
function slowWriteStore() {
  const inner = createMemoryStore()
  const log: string[] = []
  const store: Store = {
    ...inner,
    readFingerprints(tenant, entity, ids) {
      log.push(`read ${ids.join(',')}`)
      return inner.readFingerprints(tenant, entity, ids)
    },
    applyBatch(tenant, entity, changes) {
      const ids = changes.upserts.map((w) => w.id).join(',')
      log.push(`write ${ids}`)
      return inner.applyBatch(tenant, entity, changes).andThen((effects) =>
        delayed(effects, 15).map((e) => {
          log.push(`written ${ids}`)
          return e
        }),
      )
    },
  }
  return { store, log }
}

function delayed<T>(value: T, ms: number) {
  return ResultAsync.fromSafePromise(new Promise<T>((resolve) => setTimeout(() => resolve(value), ms)))
}

describe('syncStream read-ahead', () => {
  it('reads the next batch while the current one is written, and writes batches in order', async () => {
    const { store, log } = slowWriteStore()
    const engine = createSyncEngine({ store })
    const records = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => teacher(id))
    const result = await engine.syncStream({ tenant: TENANT, entity: 'teacher', records, batchSize: 2 })
    expect(result._unsafeUnwrap().counts).toMatchObject({ total: 6, new: 6 })
    // The second batch's reads start before the first batch's write has ended.
    expect(log.indexOf('read c,d')).toBeLessThan(log.indexOf('written a,b'))
    // Writes never overlap and keep the stream's order.
    const writes = log.filter((l) => l.startsWith('write') || l.startsWith('written'))
    expect(writes).toEqual([
      'write a,b',
      'written a,b',
      'write c,d',
      'written c,d',
      'write e,f',
      'written e,f',
    ])
  })

  it('reads a batch that shares an id with the batch in flight only after that write: the last version wins', async () => {
    const { store, log } = slowWriteStore()
    const engine = createSyncEngine({ store })
    const records = [teacher('a', 'First'), teacher('b'), teacher('a', 'Second'), teacher('c')]
    const result = await engine.syncStream({ tenant: TENANT, entity: 'teacher', records, batchSize: 2 })
    expect(result._unsafeUnwrap().counts).toMatchObject({ total: 4, new: 3, updated: 1 })
    expect(log.indexOf('read a,c')).toBeGreaterThan(log.indexOf('written a,b'))
    const stored = (await store.readRecords(TENANT, 'teacher', ['a']))._unsafeUnwrap().get('a')
    expect(stored?.data.name).toBe('Second')
  })

  it('reads again after a batch that parked records, so a replay it caused is seen', async () => {
    const { store, log } = slowWriteStore()
    const engine = createSyncEngine({ store })
    // Classes reference teachers; the first batch's class waits for teacher t9, which never arrives.
    const cls = (id: string, teacherId: string) => ({ id, name: `Class ${id}`, teacherId, status: 'active' })
    const records = [cls('k1', 't9'), cls('k2', 't9'), cls('k3', 't8'), cls('k4', 't8')]
    await engine.syncBatch({ tenant: TENANT, entity: 'teacher', records: [teacher('t8')] })
    const result = await engine.syncStream({ tenant: TENANT, entity: 'class', records, batchSize: 2 })
    expect(result._unsafeUnwrap().counts).toMatchObject({ total: 4, new: 2, deferred: 2 })
    // The second batch was read once early, then again after the first batch (which parked) settled.
    expect(log.filter((l) => l === 'read k3,k4')).toHaveLength(2)
  })
})
