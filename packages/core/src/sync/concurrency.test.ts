import { ResultAsync } from 'neverthrow'
import { describe, expect, it } from 'vitest'
import { seededEngine, stored, sync, TENANT } from '../__fixtures__/engine.ts'
import { sample } from '../__fixtures__/samples.ts'
import type { Store } from '../index.ts'
import { createMemoryStore } from '../index.ts'

/**
 * A memory Store whose `applyBatch` for `entity` waits until `release()` is called: it forces the
 * interleaving "both writers read, then both write" (or "parent commits between the child's read and
 * write") instead of hoping the scheduler produces it.
 */
function gatedStore(entity: string) {
  const inner = createMemoryStore()
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  let waiting = 0
  const store: Store = {
    ...inner,
    applyBatch(tenant, name, changes) {
      if (name !== entity) return inner.applyBatch(tenant, name, changes)
      waiting++
      return ResultAsync.fromSafePromise(gate).andThen(() => inner.applyBatch(tenant, name, changes))
    },
  }
  return { store, release, waiting: () => waiting }
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve))
}

describe('concurrent syncs through the engine', () => {
  it('two concurrent first syncs of one record end with exactly one NEW, one UNCHANGED and one row', async () => {
    const gated = gatedStore('payment')
    const { engine, store } = await seededEngine(gated.store)
    const record = sample('payment', 'same-payment')

    const first = sync(engine, 'payment', [record])
    const second = sync(engine, 'payment', [structuredClone(record)])
    await until(() => gated.waiting() === 2)
    gated.release()
    const results = await Promise.all([first, second])

    expect(results.map((r) => r.outcomes[0]?.status).sort()).toEqual(['NEW', 'UNCHANGED'])
    expect(results.every((r) => r.counts.error === 0)).toBe(true)
    expect((await store.countRecords(TENANT, 'payment'))._unsafeUnwrap()).toBe(1)
  })

  it('two concurrent first syncs of different versions end with one NEW, one UPDATED and one row', async () => {
    const gated = gatedStore('payment')
    const { engine, store } = await seededEngine(gated.store)

    const first = sync(engine, 'payment', [{ ...sample('payment', 'p'), note: 'one' }])
    const second = sync(engine, 'payment', [{ ...sample('payment', 'p'), note: 'two' }])
    await until(() => gated.waiting() === 2)
    gated.release()
    const [a, b] = await Promise.all([first, second])

    expect([a?.outcomes[0]?.status, b?.outcomes[0]?.status]).toEqual(['NEW', 'UPDATED'])
    expect(b?.outcomes[0]).toMatchObject({ changedFields: expect.arrayContaining(['note']) })
    expect((await store.countRecords(TENANT, 'payment'))._unsafeUnwrap()).toBe(1)
    expect((await stored(store, 'payment', 'p'))?.data.note).toBe('two')
  })

  it('a child parked while its parent commits concurrently is replayed, not stranded', async () => {
    const gated = gatedStore('payment')
    const { engine, store } = await seededEngine(gated.store)

    // The child reads "registration missing", then waits; the parent commits and finds nothing parked.
    const child = sync(engine, 'payment', [{ ...sample('payment', 'child'), registrationId: 'reg-race' }])
    await until(() => gated.waiting() === 1)
    const parent = await sync(engine, 'registration', [sample('registration', 'reg-race')])
    expect(parent.replayed).toEqual([])
    gated.release()
    const childResult = await child

    expect(childResult.outcomes[0]?.status).toBe('DEFERRED')
    expect(childResult.replayed).toEqual([expect.objectContaining({ id: 'child', status: 'NEW' })])
    expect(await stored(store, 'payment', 'child')).toBeDefined()
    expect((await store.listParked(TENANT))._unsafeUnwrap()).toEqual([])
  })
})
