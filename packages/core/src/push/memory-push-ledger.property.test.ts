import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fp } from '../testing/conformance-data.ts'
import { createMemoryPushLedger } from './memory-push-ledger.ts'

// Random interleavings of track / claim / complete / release / retry by three workers over five records,
// with a clock that moves: the ledger's invariants hold after every step.
const ids = ['r1', 'r2', 'r3', 'r4', 'r5']
const workers = ['w1', 'w2', 'w3']
const op = fc.oneof(
  fc.record({
    kind: fc.constant('track' as const),
    id: fc.constantFrom(...ids),
    version: fc.integer({ min: 0, max: 2 }),
  }),
  fc.record({
    kind: fc.constant('claim' as const),
    worker: fc.constantFrom(...workers),
    limit: fc.integer({ min: 1, max: 5 }),
  }),
  fc.record({
    kind: fc.constant('synced' as const),
    worker: fc.constantFrom(...workers),
    id: fc.constantFrom(...ids),
  }),
  fc.record({
    kind: fc.constant('failed' as const),
    worker: fc.constantFrom(...workers),
    id: fc.constantFrom(...ids),
    dead: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('release' as const),
    worker: fc.constantFrom(...workers),
    id: fc.constantFrom(...ids),
  }),
  fc.record({ kind: fc.constant('retry' as const) }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 90_000 }) }),
)

describe('memory push ledger (property)', () => {
  it('never hands a live claim to two workers, never claims a synced version, and counts every record', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
        const ledger = createMemoryPushLedger()
        let now = Date.parse('2026-11-30T10:00:00Z')
        const tracked = new Map<string, string>()
        // What each worker believes it holds, from its own claims.
        const held = new Map<string, { worker: string; until: number }>()
        for (const o of ops) {
          const at = new Date(now)
          switch (o.kind) {
            case 'track':
              tracked.set(o.id, fp(`${o.id}:${o.version}`))
              await ledger.track(
                't',
                'qb',
                'student',
                [{ id: o.id, fingerprint: fp(`${o.id}:${o.version}`) }],
                { now: at },
              )
              break
            case 'claim': {
              const before = (await ledger.read('t', 'qb', 'student', ids))._unsafeUnwrap()
              const got = (
                await ledger.claim('t', 'qb', 'student', {
                  worker: o.worker,
                  limit: o.limit,
                  leaseMs: 60_000,
                  now: at,
                })
              )._unsafeUnwrap()
              for (const e of got) {
                const other = held.get(e.recordId)
                // A live claim of another worker is never handed out.
                if (other && other.worker !== o.worker) expect(other.until).toBeLessThanOrEqual(now)
                // A version already pushed is never due.
                const prev = before.get(e.recordId)
                expect(prev?.status === 'synced').toBe(false)
                held.set(e.recordId, { worker: o.worker, until: now + 60_000 })
              }
              break
            }
            case 'synced':
            case 'failed': {
              const fingerprint = tracked.get(o.id) ?? fp('none')
              const outcome =
                o.kind === 'synced'
                  ? { id: o.id, result: 'synced' as const, fingerprint, targetId: `qb-${o.id}` }
                  : {
                      id: o.id,
                      result: 'failed' as const,
                      fingerprint,
                      error: 'x',
                      retryAt: o.dead ? null : new Date(now + 1_000),
                    }
              const done = (
                await ledger.complete('t', 'qb', 'student', o.worker, [outcome], { now: at })
              )._unsafeUnwrap()
              // Only the current holder's outcome is applied.
              const holder = (await ledger.read('t', 'qb', 'student', [o.id]))._unsafeUnwrap().get(o.id)
              if (done.applied.length === 1) {
                expect(held.get(o.id)?.worker).toBe(o.worker)
                expect(holder?.claimedBy).toBeNull()
                held.delete(o.id)
              }
              break
            }
            case 'release':
              await ledger.release('t', 'qb', 'student', o.worker, [o.id])
              if (held.get(o.id)?.worker === o.worker) held.delete(o.id)
              break
            case 'retry':
              await ledger.retry('t', 'qb', 'student')
              break
            case 'tick':
              now += o.ms
              break
          }
          const entries = (await ledger.read('t', 'qb', 'student', ids))._unsafeUnwrap()
          const counts = (await ledger.counts('t', 'qb', ['student']))._unsafeUnwrap().get('student')
          const total = Object.values(counts ?? {}).reduce((a, b) => a + b, 0)
          expect(total).toBe(tracked.size)
          for (const [id, e] of entries) {
            expect(e.fingerprint).toBe(tracked.get(id))
            if (e.status === 'synced') expect(e.pushedFingerprint).toBe(e.fingerprint)
            if (e.status === 'in_progress') expect(e.claimedBy).not.toBeNull()
            else expect(e.claimedBy).toBeNull()
          }
        }
      }),
      { numRuns: 300 },
    )
  })
})
