import { describe, expect, it, vi } from 'vitest'
import { createFaultyStore } from '../__fixtures__/faulty-store.ts'
import type { ClaimEvent } from './claim-event.ts'
import { startClaimHeartbeat } from './claim-heartbeat.ts'

describe('startClaimHeartbeat', () => {
  it('keeps renewing through a Store outage, reporting each failed renewal, and stops when told', async () => {
    const store = createFaultyStore()
    const claim = (
      await store.claimIdempotencyKey('acme', { key: 'k', requestFingerprint: 'r', leaseMs: 90, ttlMs: 1000 })
    )._unsafeUnwrap()
    if (claim.status !== 'claimed') throw new Error(`expected claimed, got ${claim.status}`)
    const events: ClaimEvent[] = []
    store.failOn('renewIdempotencyKey', 'Unavailable', { times: 2 })
    const beat = startClaimHeartbeat({
      store,
      tenant: 'acme',
      holder: { key: 'k', token: claim.token },
      leaseMs: 90,
      onEvent: (e) => events.push(e),
    })
    const renewals = () => store.calls.filter((c) => c === 'renewIdempotencyKey').length
    await vi.waitFor(() => expect(renewals()).toBeGreaterThanOrEqual(4), { timeout: 5000, interval: 10 })
    beat.stop()
    const stoppedAt = renewals()
    expect(events.map((e) => e.type)).toEqual(['renew-failed', 'renew-failed'])
    expect(beat.signal.aborted).toBe(false)
    await new Promise((r) => setTimeout(r, 150))
    expect(renewals()).toBe(stoppedAt)
  })
})
