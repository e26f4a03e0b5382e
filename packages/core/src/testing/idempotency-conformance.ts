import { expect } from 'vitest'
import type { IdempotencyClaim, Store } from '../store/store.ts'
import { T1, T2 } from './conformance-data.ts'

/** @internal Registers one conformance test (the suite's `test`). */
export type ConformanceTest = (title: string, body: () => Promise<void>) => void

const T0 = Date.parse('2026-01-01T00:00:00Z')
const at = (ms: number) => new Date(T0 + ms)
const LEASE = 30_000
const TTL = 3_600_000

/**
 * @internal The idempotency part of the Store conformance suite: claiming, the remaining lease, renewal,
 * and fencing (only the current holder of a claim can renew, complete or release it).
 */
export function idempotencyConformance(test: ConformanceTest, store: () => Store): void {
  const claim = (key: string, requestFingerprint = 'req-a', now = at(0), leaseMs = LEASE) =>
    store().claimIdempotencyKey(T1, { key, requestFingerprint, leaseMs, ttlMs: TTL, now })
  const claimed = async (key: string, now = at(0)) => {
    const c = (await claim(key, 'req-a', now))._unsafeUnwrap()
    if (c.status !== 'claimed') throw new Error(`expected ${key} to be claimed, got ${c.status}`)
    return { key, token: c.token }
  }
  const response = (label: string) => ({
    status: 200,
    body: { by: label, outcomes: [{ id: 'x', status: 'NEW' }] },
  })

  test('claimIdempotencyKey claims once; a duplicate sees in_progress, then the stored response', async () => {
    const first = (await claim('evt-1'))._unsafeUnwrap()
    expect(first).toEqual({ status: 'claimed', token: expect.any(String), expiresAt: at(LEASE) })
    expect((await claim('evt-1'))._unsafeUnwrap()).toEqual({ status: 'in_progress', expiresInMs: LEASE })
    const holder = { key: 'evt-1', token: (first as { token: string }).token }
    const done = await store().completeIdempotencyKey(T1, holder, response('first'), { now: at(1000) })
    expect(done._unsafeUnwrap()).toBe('completed')
    expect((await claim('evt-1'))._unsafeUnwrap()).toEqual({
      status: 'completed',
      response: response('first'),
    })
  })

  test('claimIdempotencyKey reports mismatch for the same key with another request', async () => {
    await claim('evt-2', 'req-a')
    expect((await claim('evt-2', 'req-b'))._unsafeUnwrap()).toEqual({ status: 'mismatch' })
  })

  test('claimIdempotencyKey reports what is left of the holder lease', async () => {
    await claimed('evt-left')
    expect((await claim('evt-left', 'req-a', at(12_345)))._unsafeUnwrap()).toEqual({
      status: 'in_progress',
      expiresInMs: LEASE - 12_345,
    })
  })

  test('releaseIdempotencyKey lets a retry claim the key after a failure, under a new token', async () => {
    const holder = await claimed('evt-3')
    expect((await store().releaseIdempotencyKey(T1, holder))._unsafeUnwrap()).toBe('released')
    const retry = (await claim('evt-3'))._unsafeUnwrap() as Extract<IdempotencyClaim, { status: 'claimed' }>
    expect(retry.status).toBe('claimed')
    expect(retry.token).not.toBe(holder.token)
  })

  test('claimIdempotencyKey takes over an expired lease and an expired completion', async () => {
    await claim('evt-4', 'req-a', at(0))
    const takeover = (await claim('evt-4', 'req-a', at(60_000)))._unsafeUnwrap()
    expect(takeover.status).toBe('claimed')
    if (takeover.status !== 'claimed') return
    await store().completeIdempotencyKey(T1, { key: 'evt-4', token: takeover.token }, response('x'), {
      now: at(61_000),
    })
    expect((await claim('evt-4', 'req-b', at(1_800_000)))._unsafeUnwrap().status).toBe('mismatch')
    expect((await claim('evt-4', 'req-b', at(7_200_000)))._unsafeUnwrap().status).toBe('claimed')
  })

  test('claimIdempotencyKey gives the key to exactly one of many concurrent callers', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => claim('evt-race')))
    const statuses = results.map((r) => r._unsafeUnwrap().status)
    expect(statuses.filter((s) => s === 'claimed')).toHaveLength(1)
    expect(statuses.filter((s) => s === 'in_progress')).toHaveLength(19)
  })

  test('renewIdempotencyKey extends the holder lease from now, so a live holder is not taken over', async () => {
    const holder = await claimed('evt-renew')
    const renewed = await store().renewIdempotencyKey(T1, holder, { leaseMs: LEASE, now: at(20_000) })
    expect(renewed._unsafeUnwrap()).toBe('renewed')
    // Without the renewal the lease ended at 30 s; it now ends at 50 s.
    expect((await claim('evt-renew', 'req-a', at(40_000)))._unsafeUnwrap()).toEqual({
      status: 'in_progress',
      expiresInMs: 10_000,
    })
    expect((await claim('evt-renew', 'req-a', at(50_000)))._unsafeUnwrap().status).toBe('claimed')
  })

  test('a holder whose lease ran out keeps the claim while nobody has taken it over', async () => {
    const holder = await claimed('evt-late')
    const renewed = await store().renewIdempotencyKey(T1, holder, { leaseMs: LEASE, now: at(45_000) })
    expect(renewed._unsafeUnwrap()).toBe('renewed')
    const done = await store().completeIdempotencyKey(T1, holder, response('late'), { now: at(46_000) })
    expect(done._unsafeUnwrap()).toBe('completed')
    expect((await claim('evt-late', 'req-a', at(47_000)))._unsafeUnwrap()).toEqual({
      status: 'completed',
      response: response('late'),
    })
  })

  // Issue 19: a holder that stalled past its lease could release or complete the claim another caller
  // had taken over.
  test('fencing: a holder stalled past its lease cannot renew, complete or release the claim taken over', async () => {
    const stalled = await claimed('evt-fence', at(0))
    const current = await claimed('evt-fence', at(LEASE + 1000))
    expect(current.token).not.toBe(stalled.token)

    const s = store()
    expect(
      (await s.renewIdempotencyKey(T1, stalled, { leaseMs: LEASE, now: at(LEASE + 2000) }))._unsafeUnwrap(),
    ).toBe('lost')
    expect((await s.releaseIdempotencyKey(T1, stalled))._unsafeUnwrap()).toBe('lost')
    const late = await s.completeIdempotencyKey(T1, stalled, response('stalled'), { now: at(LEASE + 3000) })
    expect(late._unsafeUnwrap()).toBe('lost')

    // The new holder's claim is untouched: still live (a duplicate waits), and its lease is its own.
    expect((await claim('evt-fence', 'req-a', at(LEASE + 4000)))._unsafeUnwrap()).toEqual({
      status: 'in_progress',
      expiresInMs: LEASE - 3000,
    })
    const done = await s.completeIdempotencyKey(T1, current, response('current'), { now: at(LEASE + 5000) })
    expect(done._unsafeUnwrap()).toBe('completed')
    expect((await claim('evt-fence', 'req-a', at(LEASE + 6000)))._unsafeUnwrap()).toEqual({
      status: 'completed',
      response: response('current'),
    })
    // Once completed, the stalled holder still changes nothing.
    expect((await s.releaseIdempotencyKey(T1, stalled))._unsafeUnwrap()).toBe('lost')
    expect((await s.releaseIdempotencyKey(T1, current))._unsafeUnwrap()).toBe('lost')
    expect((await claim('evt-fence', 'req-a', at(LEASE + 7000)))._unsafeUnwrap().status).toBe('completed')
  })

  test('fencing on the Store clock: a holder stalled past a short real lease loses to the next caller', async () => {
    const s = store()
    const first = (
      await s.claimIdempotencyKey(T1, { key: 'evt-clock', requestFingerprint: 'r', leaseMs: 100, ttlMs: TTL })
    )._unsafeUnwrap()
    if (first.status !== 'claimed') throw new Error(`expected claimed, got ${first.status}`)
    // The stall: the holder does nothing (no heartbeat) for longer than its lease.
    await new Promise((resolve) => setTimeout(resolve, 250))
    const second = (
      await s.claimIdempotencyKey(T1, {
        key: 'evt-clock',
        requestFingerprint: 'r',
        leaseMs: 60_000,
        ttlMs: TTL,
      })
    )._unsafeUnwrap()
    expect(second.status).toBe('claimed')
    const stalled = { key: 'evt-clock', token: first.token }
    expect((await s.completeIdempotencyKey(T1, stalled, response('stalled')))._unsafeUnwrap()).toBe('lost')
    expect((await s.releaseIdempotencyKey(T1, stalled))._unsafeUnwrap()).toBe('lost')
    const third = (
      await s.claimIdempotencyKey(T1, {
        key: 'evt-clock',
        requestFingerprint: 'r',
        leaseMs: 60_000,
        ttlMs: TTL,
      })
    )._unsafeUnwrap()
    expect(third.status).toBe('in_progress')
    if (third.status === 'in_progress') {
      expect(third.expiresInMs).toBeGreaterThan(0)
      expect(third.expiresInMs).toBeLessThanOrEqual(60_000)
    }
  })

  test('completeIdempotencyKey, releaseIdempotencyKey and renewIdempotencyKey report lost for a claim nobody holds', async () => {
    const s = store()
    const nobody = { key: 'never-claimed', token: 'no-such-token' }
    expect((await s.completeIdempotencyKey(T1, nobody, response('x')))._unsafeUnwrap()).toBe('lost')
    expect((await s.releaseIdempotencyKey(T1, nobody))._unsafeUnwrap()).toBe('lost')
    expect((await s.renewIdempotencyKey(T1, nobody, { leaseMs: LEASE }))._unsafeUnwrap()).toBe('lost')
    // A wrong token for a held key, and the right token in another tenant, are not the holder either.
    const holder = await claimed('evt-wrong')
    expect((await s.releaseIdempotencyKey(T1, { key: holder.key, token: 'forged' }))._unsafeUnwrap()).toBe(
      'lost',
    )
    expect((await s.releaseIdempotencyKey(T2, holder))._unsafeUnwrap()).toBe('lost')
    expect((await s.completeIdempotencyKey(T2, holder, response('x')))._unsafeUnwrap()).toBe('lost')
    expect((await claim('evt-wrong', 'req-a', at(1000)))._unsafeUnwrap().status).toBe('in_progress')
    // Completing twice: the second call is not the holder of an in-progress claim any more.
    expect(
      (await s.completeIdempotencyKey(T1, holder, response('a'), { now: at(1000) }))._unsafeUnwrap(),
    ).toBe('completed')
    expect(
      (await s.completeIdempotencyKey(T1, holder, response('b'), { now: at(2000) }))._unsafeUnwrap(),
    ).toBe('lost')
    expect((await claim('evt-wrong', 'req-a', at(3000)))._unsafeUnwrap()).toEqual({
      status: 'completed',
      response: response('a'),
    })
  })
}
