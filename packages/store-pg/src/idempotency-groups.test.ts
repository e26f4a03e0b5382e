import pg from 'pg'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { databaseUrl, storeFactory } from '../test/fixtures.ts'
import { quoteIdent } from './sql/identifiers.ts'

// What only a real server can show: the group statements under concurrent transactions.
describe('pg idempotency groups under concurrency', () => {
  const stores = storeFactory('pg')
  const admin = new pg.Pool({ connectionString: databaseUrl(), max: 2 })
  afterEach(() => stores.teardown())
  afterAll(async () => {
    await admin.end()
    await stores.dispose()
  })
  const request = (key: string) => ({ key, requestFingerprint: 'f', leaseMs: 60_000, ttlMs: 60_000 })

  it('completes a claim whose heartbeat renewed it while the group waited for its row', async () => {
    const store = await stores.create()
    const claims = (await store.claimIdempotencyKeys('t', [request('a'), request('b')]))._unsafeUnwrap()
    const tokens = claims.map((c) => (c.status === 'claimed' ? c.token : ''))
    // A renewal of `b` by its own holder, left uncommitted: the group completion has to wait for it.
    const renewal = await admin.connect()
    try {
      await renewal.query('BEGIN')
      await renewal.query(
        `UPDATE ${quoteIdent(store.schema)}.idempotency_keys
            SET expires_at = expires_at + interval '1 second' WHERE tenant = 't' AND key = 'b'`,
      )
      const completing = store.completeIdempotencyKeys('t', [
        { holder: { key: 'a', token: tokens[0] as string }, response: { status: 200, body: 'a' } },
        { holder: { key: 'b', token: tokens[1] as string }, response: { status: 200, body: 'b' } },
      ])
      await new Promise((resolve) => setTimeout(resolve, 200))
      await renewal.query('COMMIT')
      expect((await completing)._unsafeUnwrap()).toEqual(['completed', 'completed'])
    } finally {
      renewal.release()
    }
    const replays = (await store.claimIdempotencyKeys('t', [request('a'), request('b')]))._unsafeUnwrap()
    expect(replays).toEqual([
      { status: 'completed', response: { status: 200, body: 'a' } },
      { status: 'completed', response: { status: 200, body: 'b' } },
    ])
  })

  it('completes groups racing duplicate group claims over the same keys in opposite orders, without deadlock', async () => {
    const store = await stores.create({ poolSize: 8 })
    const keys = Array.from({ length: 30 }, (_, i) => `k-${String(i).padStart(2, '0')}`)
    const claims = (await store.claimIdempotencyKeys('t', keys.map(request)))._unsafeUnwrap()
    const completions = keys.map((key, i) => {
      const claim = claims[i]
      return {
        holder: { key, token: claim?.status === 'claimed' ? claim.token : '' },
        response: { status: 200, body: key },
      }
    })
    // Completions in reverse, duplicate deliveries claiming forwards and backwards, all at once.
    const [completed, ...duplicates] = await Promise.all([
      store.completeIdempotencyKeys('t', [...completions].reverse()),
      store.claimIdempotencyKeys('t', keys.map(request)),
      store.claimIdempotencyKeys('t', [...keys].reverse().map(request)),
    ])
    expect(completed._unsafeUnwrap()).toEqual(keys.map(() => 'completed'))
    for (const duplicate of duplicates) {
      for (const claim of duplicate._unsafeUnwrap())
        expect(['in_progress', 'completed']).toContain(claim.status)
    }
  })
})
