import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { StatementCache } from '../finance/statement-cache.ts'

/** Options of {@link describeStatementCacheConformance}. */
export interface StatementCacheConformanceOptions {
  /** A fresh cache with no entries under the keys the suite uses (called before every test). */
  readonly create: () => Promise<StatementCache>
  readonly teardown?: (cache: StatementCache) => Promise<void>
}

/**
 * The shared conformance suite every {@link StatementCache} must pass unmodified.
 *
 * @example
 * ```ts
 * describeStatementCacheConformance('memory', { create: async () => createMemoryStatementCache() })
 * ```
 */
export function describeStatementCacheConformance(
  name: string,
  options: StatementCacheConformanceOptions,
): void {
  describe(`StatementCache conformance: ${name}`, () => {
    let cache: StatementCache
    let prefix: string
    beforeEach(async () => {
      cache = await options.create()
      prefix = `conformance:${Math.random().toString(36).slice(2)}:`
    })
    afterEach(async () => {
      await cache.close()
      await options.teardown?.(cache)
    })

    it('get returns undefined for a key never set', async () => {
      expect((await cache.get(`${prefix}missing`))._unsafeUnwrap()).toBeUndefined()
    })

    it('set then get returns an equal JSON value, not the same object', async () => {
      const value = [
        {
          currency: 'USD',
          openingMinor: -5,
          lines: [{ id: "a'b", amountMinor: 9_007_199_254_740_991 }],
          note: null,
        },
      ]
      ;(await cache.set(`${prefix}k`, value, 10_000))._unsafeUnwrap()
      const read = (await cache.get(`${prefix}k`))._unsafeUnwrap()
      expect(read).toEqual(value)
      expect(read).not.toBe(value)
    })

    it('set replaces the value of a key', async () => {
      await cache.set(`${prefix}k`, { v: 1 }, 10_000)
      await cache.set(`${prefix}k`, { v: 2 }, 10_000)
      expect((await cache.get(`${prefix}k`))._unsafeUnwrap()).toEqual({ v: 2 })
    })

    it('get returns undefined once the ttl has passed', async () => {
      await cache.set(`${prefix}short`, { v: 1 }, 40)
      await cache.set(`${prefix}long`, { v: 2 }, 10_000)
      await new Promise((resolve) => setTimeout(resolve, 120))
      expect((await cache.get(`${prefix}short`))._unsafeUnwrap()).toBeUndefined()
      expect((await cache.get(`${prefix}long`))._unsafeUnwrap()).toEqual({ v: 2 })
    })
  })
}
