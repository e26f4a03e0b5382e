import { describe, expect, it, vi } from 'vitest'
import { createFaultyStore } from '../__fixtures__/faulty-store.ts'
import { createMemoryStore } from '../store/memory-store.ts'
import type { ClaimEvent } from './claim-event.ts'
import { createClaimSettler } from './claim-settler.ts'

async function heldClaim(store: ReturnType<typeof createFaultyStore>, key: string) {
  const claim = (
    await store.claimIdempotencyKey('acme', { key, requestFingerprint: 'r', leaseMs: 60_000, ttlMs: 60_000 })
  )._unsafeUnwrap()
  if (claim.status !== 'claimed') throw new Error(`expected claimed, got ${claim.status}`)
  return { key, token: claim.token }
}

describe('createClaimSettler', () => {
  it('stops retrying when the lease runs out and says so', async () => {
    const store = createFaultyStore()
    const settler = createClaimSettler({ store, leaseMs: 150, retryMs: { min: 20, max: 40 } })
    const holder = await heldClaim(store, 'k-abandoned')
    store.failOn('releaseIdempotencyKey')
    const events: ClaimEvent[] = []
    await settler.settle('acme', holder, { step: 'release' }, (e) => events.push(e))
    expect(settler.pending).toBe(1)
    await vi.waitFor(() => expect(settler.pending).toBe(0), { timeout: 5000, interval: 20 })
    expect(events.map((e) => e.type)).toEqual(['settle-failed', 'abandoned'])
    // Retried several times in between, never past the deadline.
    expect(store.calls.filter((c) => c === 'releaseIdempotencyKey').length).toBeGreaterThan(2)
  })

  it('reports a retried settlement that finds the claim taken over as lost, not settled', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z')
    const store = createFaultyStore(createMemoryStore({ now: () => new Date(clock) }))
    const settler = createClaimSettler({ store, leaseMs: 60_000, retryMs: { min: 10, max: 10 } })
    const holder = await heldClaim(store, 'k-lost')
    store.failOn('completeIdempotencyKey', 'Unavailable', { times: 1 })
    const events: ClaimEvent[] = []
    const onEvent = (e: ClaimEvent) => events.push(e)
    // The claim is taken over (the holder stalled) before the retry runs.
    clock += 61_000
    await heldClaim(store, 'k-lost')
    await settler.settle('acme', holder, { step: 'complete', response: { status: 200, body: null } }, onEvent)
    await vi.waitFor(() => expect(settler.pending).toBe(0))
    expect(events.map((e) => e.type)).toEqual(['settle-failed', 'lost'])
  })

  it('settles at once when nothing fails, with nothing left pending', async () => {
    const store = createFaultyStore()
    const settler = createClaimSettler({ store, leaseMs: 60_000 })
    const holder = await heldClaim(store, 'k-ok')
    const events: ClaimEvent[] = []
    await settler.settle('acme', holder, { step: 'release' }, (e) => events.push(e))
    expect([settler.pending, events]).toEqual([0, []])
    await settler.flush('acme', 'k-ok')
    expect(store.calls.filter((c) => c === 'releaseIdempotencyKey')).toHaveLength(1)
  })
})
