import { describe, expect, it } from 'vitest'
import { seededEngine, stored, sync, TENANT } from '../__fixtures__/engine.ts'
import { createFaultyStore } from '../__fixtures__/faulty-store.ts'
import { sample } from '../__fixtures__/samples.ts'
import { StoreError, SyncError } from '../index.ts'

/** A batch with one record of each kind of write: a new one, a changed one, a deferred one, an invalid one. */
async function setUp() {
  const store = createFaultyStore()
  const { engine } = await seededEngine(store)
  await sync(engine, 'payment', [sample('payment', 'changed')])
  const batch = [
    sample('payment', 'fresh'),
    { ...sample('payment', 'changed'), method: 'cash' },
    { ...sample('payment', 'early'), registrationId: 'registration-not-synced-yet' },
    { ...sample('payment', 'broken'), paymentDate: '15/01/2026' },
  ]
  const snapshot = async () => ({
    payments: (await store.inner.countRecords(TENANT, 'payment'))._unsafeUnwrap(),
    changed: (await stored(store.inner, 'payment', 'changed'))?.data,
    parked: (await store.inner.listParked(TENANT))._unsafeUnwrap(),
  })
  return { store, engine, batch, snapshot }
}

describe('syncBatch when the Store fails', () => {
  it.each(['readFingerprints', 'existingIds', 'readRecords', 'applyBatch'] as const)(
    'fails the whole batch with nothing written when %s fails, and a retry then succeeds',
    async (method) => {
      const { store, engine, batch, snapshot } = await setUp()
      const before = await snapshot()
      store.failOn(method, 'Unavailable')

      const result = await engine.syncBatch({ tenant: TENANT, entity: 'payment', records: batch })

      const error = result._unsafeUnwrapErr()
      expect(error).toBeInstanceOf(SyncError)
      expect(error.reason).toBe('Store')
      expect(error.cause).toBeInstanceOf(StoreError)
      expect((error.cause as StoreError).reason).toBe('Unavailable')
      expect(error.retryable).toBe(true)
      expect(error.message).toContain(`injected Unavailable failure in ${method}`)
      expect(await snapshot()).toEqual(before)

      store.heal()
      const retry = await sync(engine, 'payment', batch)
      expect(retry.outcomes.map((o) => o.status)).toEqual(['NEW', 'UPDATED', 'DEFERRED', 'INVALID'])
    },
  )

  it.each([
    ['Unavailable', true],
    ['Conflict', true],
    ['Timeout', true],
    ['Invalid', false],
    ['Corrupt', false],
  ] as const)('marks a SyncError caused by a %s StoreError retryable=%s', async (reason, retryable) => {
    const { store, engine, batch } = await setUp()
    store.failOn('applyBatch', reason)
    const error = (
      await engine.syncBatch({ tenant: TENANT, entity: 'payment', records: batch })
    )._unsafeUnwrapErr()
    expect(error.retryable).toBe(retryable)
    expect((error.cause as StoreError).retryable).toBe(retryable)
  })

  // Regression: when replaying parked children failed after the parent was written, a retry saw the parent
  // UNCHANGED and never replayed them, so they stayed parked forever.
  it('replays parked children on a retry after the replay itself failed', async () => {
    const store = createFaultyStore()
    const { engine } = await seededEngine(store)
    await sync(engine, 'payment', [{ ...sample('payment', 'child'), registrationId: 'late-registration' }])
    const parent = sample('registration', 'late-registration')
    store.failOn('parkedWaitingFor', 'Unavailable', { times: 1 })

    const failed = await engine.syncBatch({ tenant: TENANT, entity: 'registration', records: [parent] })
    const error = failed._unsafeUnwrapErr()
    expect(error.reason).toBe('Store')
    expect(error.retryable).toBe(true)
    expect(error.message).toContain('written')
    expect(error.completed).toMatchObject({ total: 1, new: 1 })

    const retry = await sync(engine, 'registration', [parent])
    expect(retry.outcomes.map((o) => o.status)).toEqual(['UNCHANGED'])
    expect(retry.replayed).toEqual([expect.objectContaining({ id: 'child', status: 'NEW' })])
    expect((await store.inner.listParked(TENANT))._unsafeUnwrap()).toEqual([])
  })

  it('reports an unknown entity as UnknownEntity without touching the Store', async () => {
    const store = createFaultyStore()
    const { engine } = await seededEngine(store)
    const calls = store.calls.length
    const error = (
      await engine.syncBatch({ tenant: TENANT, entity: 'invoice', records: [{}] })
    )._unsafeUnwrapErr()
    expect(error.reason).toBe('UnknownEntity')
    expect(error.message).toContain('unknown entity "invoice"')
    expect(error.retryable).toBe(false)
    expect(store.calls.length).toBe(calls)
  })
})
