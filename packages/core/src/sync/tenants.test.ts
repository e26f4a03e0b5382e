import { describe, expect, it } from 'vitest'
import { seededEngine, stored, sync, TENANT } from '../__fixtures__/engine.ts'
import { sample } from '../__fixtures__/samples.ts'

const OTHER = 'other-school'

describe('tenants through the engine', () => {
  it('keeps records, parents and parked records of one tenant invisible to another', async () => {
    const { engine, store } = await seededEngine()
    await sync(engine, 'payment', [sample('payment', 'p1')])

    // The parent registration exists only in TENANT, so the same payment waits in OTHER.
    const other = await sync(engine, 'payment', [sample('payment', 'p1')], OTHER)
    expect(other.outcomes[0]?.status).toBe('DEFERRED')
    expect(await stored(store, 'payment', 'p1', OTHER)).toBeUndefined()
    expect((await store.listParked(TENANT))._unsafeUnwrap()).toEqual([])

    // A parent arriving in TENANT does not replay OTHER's parked payment.
    const again = await sync(engine, 'registration', [sample('registration', 'fresh-reg')])
    expect(again.replayed).toEqual([])
    expect((await store.listParked(OTHER))._unsafeUnwrap().map((p) => p.id)).toEqual(['p1'])
  })

  it('syncs an empty batch to zero counts without failing', async () => {
    const { engine } = await seededEngine()
    const result = await sync(engine, 'teacher', [])
    expect(result.counts).toEqual({
      total: 0,
      new: 0,
      unchanged: 0,
      updated: 0,
      invalid: 0,
      deferred: 0,
      error: 0,
      deleted: 0,
      restored: 0,
    })
    expect(result.outcomes).toEqual([])
  })
})
