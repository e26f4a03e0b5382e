import { fp } from '@edusync/core/testing'
import { afterAll, describe, expect, it } from 'vitest'
import { freshSchemaName, storeFactory } from '../test/fixtures.ts'

// Two Stores on one schema stand for two worker processes: separate pools, separate connections.
describe('pg push ledger and token store across processes', () => {
  const stores = storeFactory('pg')
  afterAll(() => stores.dispose())

  it('claim hands every due entry to exactly one of two processes', async () => {
    const schema = freshSchemaName()
    const one = await stores.create({ schema })
    await one.migrate()
    const two = await stores.create({ schema })
    const ids = Array.from({ length: 300 }, (_, i) => `s${String(i).padStart(4, '0')}`)
    await one.pushLedger.track(
      't',
      'quickbooks',
      'student',
      ids.map((id) => ({ id, fingerprint: fp(id) })),
    )
    const claimLoop = async (ledger: typeof one.pushLedger, worker: string) => {
      const got: string[] = []
      for (;;) {
        const batch = (
          await ledger.claim('t', 'quickbooks', 'student', { worker, limit: 7, leaseMs: 60_000 })
        )._unsafeUnwrap()
        if (batch.length === 0) return got
        got.push(...batch.map((e) => e.recordId))
        // A worker re-claims its own open claims, so each batch is completed before the next claim.
        const outcomes = batch.map((e) => ({
          id: e.recordId,
          result: 'synced' as const,
          fingerprint: e.fingerprint,
          targetId: `qb-${e.recordId}`,
        }))
        const done = await ledger.complete('t', 'quickbooks', 'student', worker, outcomes)
        expect(done._unsafeUnwrap().lost).toEqual([])
      }
    }
    const [a, b] = await Promise.all([claimLoop(one.pushLedger, 'w1'), claimLoop(two.pushLedger, 'w2')])
    expect(a.length + b.length).toBe(300)
    expect(new Set([...a, ...b]).size).toBe(300)
  })

  it('a refresh lease goes to exactly one of two processes and a stale compare-and-set loses', async () => {
    const schema = freshSchemaName()
    const one = await stores.create({ schema })
    await one.migrate()
    const two = await stores.create({ schema })
    const leases = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? one : two).tokenStore.acquireRefreshLease('t', 'quickbooks:1', {
          holder: `h${i}`,
          leaseMs: 30_000,
        }),
      ),
    )
    expect(leases.filter((l) => l._unsafeUnwrap()).length).toBe(1)
    const pair = { accessToken: 'a', refreshToken: 'r', accessTokenExpiresAt: 1, refreshTokenExpiresAt: null }
    await one.tokenStore.compareAndSet('t', 'quickbooks:1', null, pair)
    const writes = await Promise.all([
      one.tokenStore.compareAndSet('t', 'quickbooks:1', 1, { ...pair, refreshToken: 'r-one' }),
      two.tokenStore.compareAndSet('t', 'quickbooks:1', 1, { ...pair, refreshToken: 'r-two' }),
    ])
    expect(writes.map((w) => w._unsafeUnwrap().status).sort()).toEqual(['conflict', 'written'])
  })
})
