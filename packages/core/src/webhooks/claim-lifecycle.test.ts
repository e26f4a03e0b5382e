import { errAsync, okAsync, ResultAsync } from 'neverthrow'
import { describe, expect, it, vi } from 'vitest'
import { createFaultyStore } from '../__fixtures__/faulty-store.ts'
import { createMemoryStore, StoreError } from '../index.ts'
import type { Store } from '../store/store.ts'
import { parseBody } from './body.ts'
import type { ClaimEvent } from './claim-event.ts'
import type { WebhookInput } from './webhook-handler.ts'
import { createWebhookHandler } from './webhook-handler.ts'

/** A gate a test opens when it wants a delivery's processing to finish. */
function gate() {
  let open: () => void = () => {}
  const opened = new Promise<void>((r) => {
    open = r
  })
  return { open, opened }
}

/**
 * A handler over `store` whose processing waits for the next gate in `gates` (if any) and answers which
 * delivery it was; `seen` gets every processing input, `events` every claim event.
 */
function handlerOver(store: Store, options: { leaseMs?: number; fail?: () => boolean; label?: string } = {}) {
  const gates: ReturnType<typeof gate>[] = []
  const seen: WebhookInput<unknown, undefined>[] = []
  const events: ClaimEvent[] = []
  const handle = createWebhookHandler<unknown, undefined>({
    resolveTenant: () => 'acme',
    authenticate: () => okAsync({ scheme: 'bearer' }),
    read: (b, r) => parseBody(b, r.headers.get('content-type')).map((p) => p.value),
    idempotency: {
      store,
      sender: 'test',
      leaseMs: options.leaseMs,
      onClaimEvent: (event) => events.push(event),
    },
    process: (input) => {
      seen.push(input)
      const n = seen.length
      const wait = gates.shift()?.opened ?? Promise.resolve()
      return ResultAsync.fromSafePromise(wait).andThen(() =>
        options.fail?.()
          ? errAsync(new StoreError('Unavailable', 'connection lost'))
          : okAsync({ body: { by: options.label ?? 'host', delivery: n } }),
      )
    },
  })
  const deliver = () =>
    handle(
      new Request('http://h/', { method: 'POST', body: '{"a":1}', headers: { 'idempotency-key': 'k-1' } }),
      undefined,
    )
  return { deliver, gates, seen, events }
}

describe('webhook idempotency claims', () => {
  it('answers a duplicate 409 with Retry-After equal to what is left of the lease', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z')
    const host = handlerOver(createMemoryStore({ now: () => new Date(clock) }), { leaseMs: 20_000 })
    const hold = gate()
    host.gates.push(hold)
    const first = host.deliver()
    await vi.waitFor(() => expect(host.seen).toHaveLength(1))
    clock += 7_500
    const second = await host.deliver()
    expect([second.status, second.headers.get('retry-after')]).toEqual([409, '13'])
    expect(((await second.json()) as { error: { reason: string } }).error.reason).toBe('InProgress')
    hold.open()
    expect((await first).status).toBe(200)
  })

  it('keeps a live slow delivery by renewing its lease, so a duplicate never takes it over', async () => {
    const host = handlerOver(createMemoryStore(), { leaseMs: 600 })
    const hold = gate()
    host.gates.push(hold)
    const first = host.deliver()
    await vi.waitFor(() => expect(host.seen).toHaveLength(1))
    // Well past the lease: only the heartbeat (every 200 ms) keeps the claim.
    await new Promise((r) => setTimeout(r, 1500))
    const duplicate = await host.deliver()
    expect(duplicate.status).toBe(409)
    expect(host.seen).toHaveLength(1)
    hold.open()
    expect(await (await first).json()).toEqual({ by: 'host', delivery: 1 })
    const replay = await host.deliver()
    expect([replay.status, replay.headers.get('idempotent-replayed')]).toEqual([200, 'true'])
    expect(await replay.json()).toEqual({ by: 'host', delivery: 1 })
    expect(host.events).toEqual([])
  })

  // Issue 19: a delivery stalled past its lease could complete (or release) the claim another delivery took.
  it('lets a delivery stalled past its lease neither complete nor release the claim taken over', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z')
    const store = createMemoryStore({ now: () => new Date(clock) })
    const hostA = handlerOver(store, { leaseMs: 60, label: 'A' })
    const hostB = handlerOver(store, { leaseMs: 60, label: 'B' })
    const stalled = gate()
    hostA.gates.push(stalled)
    const first = hostA.deliver()
    await vi.waitFor(() => expect(hostA.seen).toHaveLength(1))
    // The Store's clock jumps past A's lease, as if A had not renewed for that long (a frozen process).
    clock += 10_000
    const takenOver = gate()
    hostB.gates.push(takenOver)
    const second = hostB.deliver()
    await vi.waitFor(() => expect(hostB.seen).toHaveLength(1))

    // A's next heartbeat finds its claim gone: its processing is told, and the loss is reported.
    await vi.waitFor(() => expect(hostA.seen[0]?.signal.aborted).toBe(true))
    expect(hostA.events).toContainEqual({ type: 'lost', step: 'renew', tenant: 'acme', key: 'test:key:k-1' })
    expect(hostB.seen[0]?.signal.aborted).toBe(false)

    // A finishes first: its completion is refused, and B's claim is still live.
    stalled.open()
    expect(await (await first).json()).toEqual({ by: 'A', delivery: 1 })
    expect(hostA.events).toContainEqual({
      type: 'lost',
      step: 'complete',
      tenant: 'acme',
      key: 'test:key:k-1',
    })
    expect((await hostA.deliver()).status).toBe(409)

    takenOver.open()
    expect(await (await second).json()).toEqual({ by: 'B', delivery: 1 })
    expect(hostB.events).toEqual([])
    // The answer remembered is B's: A did not overwrite it.
    const replay = await hostA.deliver()
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(await replay.json()).toEqual({ by: 'B', delivery: 1 })
    expect(hostA.seen).toHaveLength(1)
    expect(hostB.seen).toHaveLength(1)
  })

  it('a stalled delivery whose processing failed cannot release the claim taken over', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z')
    const store = createMemoryStore({ now: () => new Date(clock) })
    const hostA = handlerOver(store, { leaseMs: 30_000, fail: () => true })
    const hostB = handlerOver(store, { leaseMs: 30_000 })
    const stalled = gate()
    hostA.gates.push(stalled)
    const first = hostA.deliver()
    await vi.waitFor(() => expect(hostA.seen).toHaveLength(1))
    clock += 31_000
    const working = gate()
    hostB.gates.push(working)
    const second = hostB.deliver()
    await vi.waitFor(() => expect(hostB.seen).toHaveLength(1))

    stalled.open()
    expect((await first).status).toBe(503)
    expect(hostA.events).toEqual([{ type: 'lost', step: 'release', tenant: 'acme', key: 'test:key:k-1' }])
    // Had A released B's claim, this duplicate would have been processed a third time.
    const duplicate = await hostA.deliver()
    expect([duplicate.status, duplicate.headers.get('retry-after')]).toEqual([409, '30'])
    expect(hostA.seen).toHaveLength(1)
    working.open()
    expect((await second).status).toBe(200)
  })
})

// Issue 8, item 5: a release that failed with the database left the delivery locked for the whole lease.
describe('webhook idempotency claims when the Store drops between claim and release', () => {
  it('processes the sender retry at once when the Store is back (same handler)', async () => {
    const store = createFaultyStore()
    let drops = 1
    const host = handlerOver(store, {
      leaseMs: 60_000,
      // The database drops while the first delivery is processed: the work and then the release fail.
      fail: () => {
        if (drops-- <= 0) return false
        store.failOn('releaseIdempotencyKey')
        return true
      },
    })
    const failed = await host.deliver()
    expect([failed.status, failed.headers.get('retry-after')]).toEqual([503, '5'])
    expect(host.events.map((e) => [e.type, 'step' in e ? e.step : ''])).toEqual([
      ['settle-failed', 'release'],
    ])

    // The sender retries as soon as the Store is back (before any background retry could run).
    store.heal()
    const retry = await host.deliver()
    expect(retry.status).toBe(200)
    expect(host.seen).toHaveLength(2)
    expect(host.events.map((e) => e.type)).toEqual(['settle-failed', 'settled-late'])
  })

  it('releases in the background, so another handler processes the retry without waiting for the lease', async () => {
    const store = createFaultyStore()
    const hostA = handlerOver(store, {
      leaseMs: 60_000,
      fail: () => {
        store.failOn('releaseIdempotencyKey')
        return true
      },
    })
    const hostB = handlerOver(store, { leaseMs: 60_000 })
    expect((await hostA.deliver()).status).toBe(503)
    // Still down: the other handler cannot process it yet (the claim is held for up to the lease).
    const early = await hostB.deliver()
    expect(early.status).toBe(409)
    store.heal()
    await vi.waitFor(async () => expect((await hostB.deliver()).status).toBe(200), {
      timeout: 5000,
      interval: 50,
    })
    expect(hostA.events.map((e) => e.type)).toEqual(['settle-failed', 'settled-late'])
    expect(hostB.seen).toHaveLength(1)
  })

  it('records a completion that failed once the Store is back, so duplicates get the answer replayed', async () => {
    const store = createFaultyStore()
    const host = handlerOver(store, { leaseMs: 60_000 })
    store.failOn('completeIdempotencyKey', 'Unavailable', { times: 1 })
    const first = await host.deliver()
    expect(first.status).toBe(200)
    await vi.waitFor(() => expect(host.events.map((e) => e.type)).toEqual(['settle-failed', 'settled-late']))
    const duplicate = await host.deliver()
    expect([duplicate.status, duplicate.headers.get('idempotent-replayed')]).toEqual([200, 'true'])
    expect(host.seen).toHaveLength(1)
  })
})
