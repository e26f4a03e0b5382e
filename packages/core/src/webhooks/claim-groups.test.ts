import { errAsync, okAsync } from 'neverthrow'
import { describe, expect, it } from 'vitest'
import { createFaultyStore } from '../__fixtures__/faulty-store.ts'
import { createMemoryStore, StoreError } from '../index.ts'
import type { IdempotencyGroups } from '../store/idempotency-groups.ts'
import type { Store } from '../store/store.ts'
import { parseBody } from './body.ts'
import { createWebhookHandler } from './webhook-handler.ts'

type Groups = Store & IdempotencyGroups
type Counted =
  | 'claimIdempotencyKey'
  | 'claimIdempotencyKeys'
  | 'completeIdempotencyKey'
  | 'completeIdempotencyKeys'

/**
 * A real memory Store whose idempotency methods count their calls (and the keys of each group) and can
 * be told to fail: the group statements a handler sends are what these tests are about.
 */
function countingStore() {
  const inner = createMemoryStore()
  const calls: Record<Counted, number[]> = {
    claimIdempotencyKey: [],
    claimIdempotencyKeys: [],
    completeIdempotencyKey: [],
    completeIdempotencyKeys: [],
  }
  const faults: Partial<Record<Counted, (keys: readonly string[]) => StoreError | undefined>> = {}
  const check = (method: Counted, keys: readonly string[]) => {
    calls[method].push(keys.length)
    return faults[method]?.(keys)
  }
  const store: Groups = {
    ...inner,
    claimIdempotencyKey(tenant, request) {
      const fault = check('claimIdempotencyKey', [request.key])
      return fault ? errAsync(fault) : inner.claimIdempotencyKey(tenant, request)
    },
    claimIdempotencyKeys(tenant, requests, options) {
      const fault = check(
        'claimIdempotencyKeys',
        requests.map((r) => r.key),
      )
      return fault ? errAsync(fault) : inner.claimIdempotencyKeys(tenant, requests, options)
    },
    completeIdempotencyKey(tenant, holder, response, options) {
      const fault = check('completeIdempotencyKey', [holder.key])
      return fault ? errAsync(fault) : inner.completeIdempotencyKey(tenant, holder, response, options)
    },
    completeIdempotencyKeys(tenant, completions, options) {
      const fault = check(
        'completeIdempotencyKeys',
        completions.map((c) => c.holder.key),
      )
      return fault ? errAsync(fault) : inner.completeIdempotencyKeys(tenant, completions, options)
    },
  }
  return { store, calls, faults }
}

/** A handler over `store` that answers which delivery it processed; `processed` counts per body. */
function handlerOver(store: Store) {
  const processed = new Map<string, number>()
  const handle = createWebhookHandler<{ id: string }, undefined>({
    resolveTenant: () => 'acme',
    authenticate: () => okAsync({ scheme: 'bearer' }),
    read: (b, r) => parseBody(b, r.headers.get('content-type')).map((p) => p.value as { id: string }),
    idempotency: { store, sender: 'test' },
    process: ({ payload }) => {
      processed.set(payload.id, (processed.get(payload.id) ?? 0) + 1)
      return okAsync({ body: { id: payload.id, run: processed.get(payload.id) } })
    },
  })
  const deliver = (id: string, key = `key-${id}`) =>
    handle(
      new Request('http://h/', {
        method: 'POST',
        body: JSON.stringify({ id }),
        headers: { 'idempotency-key': key, 'content-type': 'application/json' },
      }),
      undefined,
    )
  return { deliver, processed }
}

const ids = (n: number, prefix = 'r') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`)
const statuses = (responses: readonly Response[]) => responses.map((r) => r.status)

describe('claim groups of the webhook kit', () => {
  it('claims and completes 16 concurrent deliveries in one statement each; each replays its own reply', async () => {
    const { store, calls } = countingStore()
    const host = handlerOver(store)
    const first = await Promise.all(ids(16).map((id) => host.deliver(id)))
    expect(statuses(first)).toEqual(ids(16).map(() => 200))
    expect(await Promise.all(first.map((r) => r.json()))).toEqual(ids(16).map((id) => ({ id, run: 1 })))
    expect(calls.claimIdempotencyKeys).toEqual([16])
    expect(calls.completeIdempotencyKeys).toEqual([16])
    expect(calls.claimIdempotencyKey).toEqual([])
    expect(calls.completeIdempotencyKey).toEqual([])

    const again = await Promise.all(ids(16).map((id) => host.deliver(id)))
    expect(await Promise.all(again.map((r) => r.json()))).toEqual(ids(16).map((id) => ({ id, run: 1 })))
    expect(again.every((r) => r.headers.get('idempotent-replayed') === 'true')).toBe(true)
    expect([...host.processed.values()].every((n) => n === 1)).toBe(true)
  })

  it('uses the single-key statements for a lone delivery', async () => {
    const { store, calls } = countingStore()
    const response = await handlerOver(store).deliver('alone')
    expect(response.status).toBe(200)
    expect(calls.claimIdempotencyKey).toEqual([1])
    expect(calls.completeIdempotencyKey).toEqual([1])
    expect(calls.claimIdempotencyKeys).toEqual([])
  })

  it('never puts one key twice in a group: the second delivery waits and sees the first in progress', async () => {
    const { store, calls } = countingStore()
    const host = handlerOver(store)
    const responses = await Promise.all([host.deliver('a'), host.deliver('same'), host.deliver('same')])
    expect(statuses(responses)).toEqual([200, 200, 409])
    expect(host.processed.get('same')).toBe(1)
    expect(calls.claimIdempotencyKeys).toEqual([2])
    expect(calls.claimIdempotencyKey).toEqual([1])
  })

  it('retries a group the Store refuses as Invalid key by key, so one bad delivery never sinks the others', async () => {
    const { store, faults } = countingStore()
    const refuse = (keys: readonly string[]) =>
      keys.some((k) => k.includes('bad')) ? new StoreError('Invalid', 'key holds a NUL') : undefined
    faults.claimIdempotencyKeys = refuse
    faults.claimIdempotencyKey = refuse
    const host = handlerOver(store)
    const responses = await Promise.all(['ok-1', 'bad', 'ok-2'].map((id) => host.deliver(id)))
    expect(statuses(responses)).toEqual([200, 422, 200])
    expect([...host.processed.keys()].sort()).toEqual(['ok-1', 'ok-2'])
  })

  it('answers every delivery of a group 503 while the Store is down, and processes each retry once', async () => {
    const { store, faults } = countingStore()
    let down = true
    faults.claimIdempotencyKeys = () => (down ? new StoreError('Unavailable', 'connection lost') : undefined)
    const host = handlerOver(store)
    const failed = await Promise.all(ids(4).map((id) => host.deliver(id)))
    expect(statuses(failed)).toEqual([503, 503, 503, 503])
    expect(failed.every((r) => r.headers.get('retry-after') !== null)).toBe(true)
    expect(host.processed.size).toBe(0)
    down = false
    const retried = await Promise.all(ids(4).map((id) => host.deliver(id)))
    expect(statuses(retried)).toEqual([200, 200, 200, 200])
    expect([...host.processed.values()]).toEqual([1, 1, 1, 1])
  })

  it('retries a group completion the Store could not take, until every key replays its reply', async () => {
    const { store, faults, calls } = countingStore()
    let failures = 1
    faults.completeIdempotencyKeys = () =>
      failures-- > 0 ? new StoreError('Unavailable', 'connection lost') : undefined
    const host = handlerOver(store)
    const first = await Promise.all(ids(3).map((id) => host.deliver(id)))
    // The work is committed: the senders get the real answer although recording it failed.
    expect(statuses(first)).toEqual([200, 200, 200])
    let replays: Response[] = []
    for (let attempt = 0; attempt < 50; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      replays = await Promise.all(ids(3).map((id) => host.deliver(id)))
      if (replays.every((r) => r.status === 200)) break
    }
    expect(await Promise.all(replays.map((r) => r.json()))).toEqual(ids(3).map((id) => ({ id, run: 1 })))
    expect([...host.processed.values()]).toEqual([1, 1, 1])
    expect(calls.completeIdempotencyKeys.length + calls.completeIdempotencyKey.length).toBeGreaterThan(1)
  })

  it('calls a Store without the group capability key by key, as before', async () => {
    const store = createFaultyStore()
    const responses = await Promise.all(ids(3).map((id) => handlerOver(store).deliver(id)))
    expect(statuses(responses)).toEqual([200, 200, 200])
    expect(store.calls.filter((c) => c === 'claimIdempotencyKey')).toHaveLength(3)
    expect(store.calls.filter((c) => c === 'completeIdempotencyKey')).toHaveLength(3)
  })
})
