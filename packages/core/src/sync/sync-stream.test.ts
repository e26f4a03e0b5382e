import { describe, expect, it } from 'vitest'
import { addsUp, seededEngine, TENANT } from '../__fixtures__/engine.ts'
import { createFaultyStore } from '../__fixtures__/faulty-store.ts'
import { sample } from '../__fixtures__/samples.ts'
import type { BatchResult, StreamProgress } from '../index.ts'
import { SyncError, trackRun } from '../index.ts'

const teachers = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => ({ id: `t-${from + i}`, name: `Teacher ${from + i}` }))

/** An async source that counts how many records have been pulled from it. */
function source(records: readonly unknown[], options: { throwAfter?: number } = {}) {
  const state = { pulled: 0 }
  async function* generate() {
    for (const record of records) {
      if (state.pulled === options.throwAfter) throw new Error('page 3 of the CRM export failed')
      state.pulled++
      yield record
    }
  }
  return { state, records: generate() }
}

describe('syncStream', () => {
  it('syncs in bounded batches, reporting each batch and cumulative progress', async () => {
    const { engine, store } = await seededEngine()
    const input = source(teachers(2500))
    const batches: BatchResult[] = []
    const progress: StreamProgress[] = []
    const pulledAtBatch: number[] = []

    const result = await engine.syncStream({
      tenant: TENANT,
      entity: 'teacher',
      records: input.records,
      batchSize: 1000,
      onBatch: (batch) => {
        batches.push(batch)
        pulledAtBatch.push(input.state.pulled)
      },
      onProgress: (p) => progress.push(p),
    })

    const value = result._unsafeUnwrap()
    expect(value.batches).toBe(3)
    expect(value.counts).toMatchObject({ total: 2500, new: 2500 })
    expect(batches.map((b) => b.counts.total)).toEqual([1000, 1000, 500])
    expect(batches[1]?.outcomes[0]?.index).toBe(1000)
    expect(progress.map((p) => [p.batches, p.counts.total])).toEqual([
      [1, 1000],
      [2, 2000],
      [3, 2500],
    ])
    // At most the written batch, the one in flight and the one being read are held: memory is bounded.
    pulledAtBatch.forEach((pulled, k) => expect(pulled).toBeLessThanOrEqual((k + 2) * 1000))
    expect((await store.countRecords(TENANT, 'teacher'))._unsafeUnwrap()).toBe(2500 + 3)
  })

  it('accepts a plain iterable and keeps only the first maxProblems problem outcomes', async () => {
    const { engine } = await seededEngine()
    const records = [
      ...teachers(10),
      ...Array.from({ length: 30 }, (_, i) => ({ id: `bad-${i}`, name: '' })),
      { ...sample('payment', 'early'), registrationId: 'not-yet' },
    ]
    const teachersResult = await engine.syncStream({
      tenant: TENANT,
      entity: 'teacher',
      records: records.slice(0, 40),
      batchSize: 7,
      maxProblems: 5,
    })
    const value = teachersResult._unsafeUnwrap()
    expect(value.counts).toMatchObject({ total: 40, new: 10, invalid: 30 })
    expect(addsUp(value.counts)).toBe(true)
    expect(value.problems).toHaveLength(5)
    expect(value.problems.every((p) => p.status === 'INVALID')).toBe(true)

    const deferred = await engine.syncStream({
      tenant: TENANT,
      entity: 'payment',
      records: records.slice(40),
    })
    expect(deferred._unsafeUnwrap().problems).toEqual([
      expect.objectContaining({ status: 'DEFERRED', id: 'early' }),
    ])
  })

  it('stops between batches when aborted: earlier batches stay written, later ones are not', async () => {
    const { engine, store } = await seededEngine()
    const controller = new AbortController()
    const input = source(teachers(5000))

    const result = await engine.syncStream({
      tenant: TENANT,
      entity: 'teacher',
      records: input.records,
      batchSize: 1000,
      signal: controller.signal,
      onBatch: () => controller.abort(new Error('host shutting down')),
    })

    const error = result._unsafeUnwrapErr()
    expect(error).toBeInstanceOf(SyncError)
    expect(error.reason).toBe('Aborted')
    expect(error.retryable).toBe(true)
    expect(error.completed).toMatchObject({ total: 1000, new: 1000 })
    expect((await store.countRecords(TENANT, 'teacher'))._unsafeUnwrap()).toBe(1000 + 3)
    expect(input.state.pulled).toBeLessThan(5000)
  })

  it('reads nothing and writes nothing when the signal is already aborted', async () => {
    const { engine, store } = await seededEngine()
    const input = source(teachers(10))
    const result = await engine.syncStream({
      tenant: TENANT,
      entity: 'teacher',
      records: input.records,
      signal: AbortSignal.abort(),
    })
    expect(result._unsafeUnwrapErr().reason).toBe('Aborted')
    expect(input.state.pulled).toBe(0)
    expect((await store.countRecords(TENANT, 'teacher'))._unsafeUnwrap()).toBe(3)
  })

  it('fails with the source error when the source throws, keeping the batches written before it', async () => {
    const { engine, store } = await seededEngine()
    const input = source(teachers(3000), { throwAfter: 2500 })

    const result = await engine.syncStream({
      tenant: TENANT,
      entity: 'teacher',
      records: input.records,
      batchSize: 1000,
    })

    const error = result._unsafeUnwrapErr()
    expect(error.message).toContain('record source failed')
    expect(error.message).toContain('page 3 of the CRM export failed')
    expect(error.cause).toBeInstanceOf(Error)
    expect(error.completed).toMatchObject({ total: 2000, new: 2000 })
    expect((await store.countRecords(TENANT, 'teacher'))._unsafeUnwrap()).toBe(2000 + 3)
  })

  it('fails with the Store error when a batch cannot be written, keeping the batches before it', async () => {
    const store = createFaultyStore()
    const { engine } = await seededEngine(store)
    store.failOn('applyBatch', 'Conflict', { after: 2 })

    const result = await engine.syncStream({
      tenant: TENANT,
      entity: 'teacher',
      records: teachers(4000),
      batchSize: 1000,
    })

    const error = result._unsafeUnwrapErr()
    expect(error.reason).toBe('Store')
    expect(error.retryable).toBe(true)
    expect(error.completed).toMatchObject({ total: 2000, new: 2000 })
    expect((await store.countRecords(TENANT, 'teacher'))._unsafeUnwrap()).toBe(2000 + 3)
  })

  // Regression: a throwing onBatch callback was reported as "record source failed".
  it('stops, naming the callback, when onBatch throws; the batch it reported stays written', async () => {
    const { engine, store } = await seededEngine()
    const result = await engine.syncStream({
      tenant: TENANT,
      entity: 'teacher',
      records: teachers(3000),
      batchSize: 1000,
      onBatch: () => {
        throw new Error('dashboard unreachable')
      },
    })
    const error = result._unsafeUnwrapErr()
    expect(error.message).toBe('stream stopped: a progress callback threw: Error: dashboard unreachable')
    expect(error.completed).toMatchObject({ total: 1000, new: 1000 })
    expect((await store.countRecords(TENANT, 'teacher'))._unsafeUnwrap()).toBe(1000 + 3)
  })

  it('adds its counts to a tracked run', async () => {
    const { engine, store } = await seededEngine()
    const records = [...teachers(25), { id: 'x', name: '' }]
    const tracked = await trackRun(store, TENANT, { step: 'zoho:teacher' }, (runId) =>
      engine.syncStream({ tenant: TENANT, entity: 'teacher', records, batchSize: 10, runId }),
    )
    const { run, value } = tracked._unsafeUnwrap()
    expect(run.status).toBe('completed')
    expect(run.counts).toEqual(value.counts)
    expect(run.counts).toMatchObject({ total: 26, new: 25, invalid: 1 })
  })
})
