import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { OAuthTokenSet, TokenStore } from '../tokens/token-store.ts'
import { T1, T2 } from './conformance-data.ts'

/** Options of {@link describeTokenStoreConformance}. */
export interface TokenStoreConformanceOptions {
  /** Creates a fresh, empty TokenStore (called before every test). */
  readonly create: () => Promise<TokenStore>
  /** Cleans up after each test (the suite calls `close` first when the store has one). */
  readonly teardown?: (store: TokenStore) => Promise<void>
}

/** A token pair for tests; `n` makes the values distinct. */
export function tokenSet(
  n: number,
  attributes: Record<string, string> = { realmId: '9130355' },
): OAuthTokenSet {
  return {
    accessToken: `eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..access-${n}`,
    refreshToken: `AB11${String(n).padStart(6, '0')}refresh`,
    accessTokenExpiresAt: 1_790_000_000_000 + n * 3_600_000,
    refreshTokenExpiresAt: 1_798_640_000_000 + n,
    attributes,
  }
}

/**
 * The shared conformance suite every {@link TokenStore} must pass unmodified: compare-and-set, leases,
 * tenant isolation and concurrent refreshers.
 *
 * @example
 * ```ts
 * describeTokenStoreConformance('memory', { create: async () => createMemoryTokenStore() })
 * ```
 */
export function describeTokenStoreConformance(name: string, options: TokenStoreConformanceOptions): void {
  describe(`TokenStore conformance: ${name}`, () => {
    let store: TokenStore
    beforeEach(async () => {
      store = await options.create()
    })
    afterEach(async () => {
      await store.close?.()
      await options.teardown?.(store)
    })
    // Every implementation runs every test: a Store that cannot pass one does not conform.
    const test = (title: string, body: () => Promise<void>) => it(title, body)
    const key = 'quickbooks:9130355'

    test('read returns null for an unknown key', async () => {
      expect((await store.read(T1, key))._unsafeUnwrap()).toBeNull()
    })

    test('compareAndSet with null inserts an absent key as version 1 and reads it back', async () => {
      const write = (await store.compareAndSet(T1, key, null, tokenSet(1)))._unsafeUnwrap()
      expect(write).toEqual({ status: 'written', version: 1 })
      const stored = (await store.read(T1, key))._unsafeUnwrap()
      expect(stored?.version).toBe(1)
      expect(stored?.tokens).toEqual(tokenSet(1))
      expect(stored?.updatedAt).toBeInstanceOf(Date)
    })

    test('compareAndSet refuses a stale version and returns what is stored', async () => {
      await store.compareAndSet(T1, key, null, tokenSet(1))
      await store.compareAndSet(T1, key, 1, tokenSet(2))
      const stale = (await store.compareAndSet(T1, key, 1, tokenSet(3)))._unsafeUnwrap()
      expect(stale.status).toBe('conflict')
      if (stale.status === 'conflict') {
        expect(stale.current?.version).toBe(2)
        expect(stale.current?.tokens).toEqual(tokenSet(2))
      }
      const again = (await store.compareAndSet(T1, key, null, tokenSet(4)))._unsafeUnwrap()
      expect(again.status).toBe('conflict')
      expect((await store.read(T1, key))._unsafeUnwrap()?.tokens).toEqual(tokenSet(2))
    })

    test('compareAndSet against an absent key with a version is a conflict with current null', async () => {
      const write = (await store.compareAndSet(T1, key, 3, tokenSet(1)))._unsafeUnwrap()
      expect(write).toEqual({ status: 'conflict', current: null })
      expect((await store.read(T1, key))._unsafeUnwrap()).toBeNull()
    })

    test('compareAndSet lets exactly one of concurrent writers of the same version win', async () => {
      await store.compareAndSet(T1, key, null, tokenSet(1))
      const writes = await Promise.all(
        [2, 3, 4, 5, 6].map((n) => store.compareAndSet(T1, key, 1, tokenSet(n))),
      )
      const results = writes.map((w) => w._unsafeUnwrap())
      const winners = results.filter((w) => w.status === 'written')
      expect(winners).toHaveLength(1)
      const stored = (await store.read(T1, key))._unsafeUnwrap()
      expect(stored?.version).toBe(2)
      const winner = writes.findIndex((w) => w._unsafeUnwrap().status === 'written')
      expect(stored?.tokens).toEqual(tokenSet(winner + 2))
    })

    test('replace writes whatever is stored and bumps the version', async () => {
      expect((await store.replace(T1, key, tokenSet(1)))._unsafeUnwrap()).toBe(1)
      expect((await store.replace(T1, key, tokenSet(2)))._unsafeUnwrap()).toBe(2)
      expect((await store.read(T1, key))._unsafeUnwrap()?.tokens).toEqual(tokenSet(2))
    })

    test('remove deletes the pair and leaves other keys', async () => {
      await store.replace(T1, key, tokenSet(1))
      await store.replace(T1, 'zoho:1000.X', tokenSet(2, {}))
      await store.remove(T1, key)
      await store.remove(T1, 'absent')
      expect((await store.read(T1, key))._unsafeUnwrap()).toBeNull()
      expect((await store.read(T1, 'zoho:1000.X'))._unsafeUnwrap()?.tokens).toEqual(tokenSet(2, {}))
    })

    test('tenants never see each other', async () => {
      await store.replace(T1, key, tokenSet(1))
      expect((await store.read(T2, key))._unsafeUnwrap()).toBeNull()
      expect((await store.compareAndSet(T2, key, null, tokenSet(9)))._unsafeUnwrap().status).toBe('written')
      expect((await store.read(T1, key))._unsafeUnwrap()?.tokens).toEqual(tokenSet(1))
      const now = new Date('2026-11-30T10:00:00Z')
      expect(
        (await store.acquireRefreshLease(T1, key, { holder: 'a', leaseMs: 60_000, now }))._unsafeUnwrap(),
      ).toBe(true)
      expect(
        (await store.acquireRefreshLease(T2, key, { holder: 'b', leaseMs: 60_000, now }))._unsafeUnwrap(),
      ).toBe(true)
    })

    test('acquireRefreshLease grants one holder until release', async () => {
      const now = new Date('2026-11-30T10:00:00Z')
      const lease = { leaseMs: 60_000, now }
      expect((await store.acquireRefreshLease(T1, key, { ...lease, holder: 'a' }))._unsafeUnwrap()).toBe(true)
      expect((await store.acquireRefreshLease(T1, key, { ...lease, holder: 'b' }))._unsafeUnwrap()).toBe(
        false,
      )
      expect((await store.acquireRefreshLease(T1, key, { ...lease, holder: 'a' }))._unsafeUnwrap()).toBe(true)
      await store.releaseRefreshLease(T1, key, 'b')
      expect((await store.acquireRefreshLease(T1, key, { ...lease, holder: 'b' }))._unsafeUnwrap()).toBe(
        false,
      )
      await store.releaseRefreshLease(T1, key, 'a')
      expect((await store.acquireRefreshLease(T1, key, { ...lease, holder: 'b' }))._unsafeUnwrap()).toBe(true)
    })

    test('acquireRefreshLease takes over an expired lease', async () => {
      const t0 = new Date('2026-11-30T10:00:00Z')
      await store.acquireRefreshLease(T1, key, { holder: 'crashed', leaseMs: 1_000, now: t0 })
      const later = new Date(t0.getTime() + 1_001)
      expect(
        (
          await store.acquireRefreshLease(T1, key, { holder: 'b', leaseMs: 1_000, now: later })
        )._unsafeUnwrap(),
      ).toBe(true)
    })

    test('acquireRefreshLease grants exactly one of concurrent holders', async () => {
      const now = new Date('2026-11-30T10:00:00Z')
      const grants = await Promise.all(
        ['a', 'b', 'c', 'd', 'e', 'f'].map((holder) =>
          store.acquireRefreshLease(T1, key, { holder, leaseMs: 60_000, now }),
        ),
      )
      expect(grants.filter((g) => g._unsafeUnwrap()).length).toBe(1)
    })
  })
}
