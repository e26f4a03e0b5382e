import * as fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { IdempotencyGroupClaim, IdempotencyGroups } from '../store/idempotency-groups.ts'
import type { IdempotencyClaim, Store } from '../store/store.ts'
import { T1, T2 } from './conformance-data.ts'

/** Options of {@link describeIdempotencyGroupsConformance}. */
export interface IdempotencyGroupsConformanceOptions {
  /** Creates a fresh, empty Store with the group capability (called before every test). */
  readonly create: () => Promise<Store & IdempotencyGroups>
  /** Cleans up after each test (the suite closes the store first). */
  readonly teardown?: (store: Store) => Promise<void>
}

const T0 = Date.parse('2026-01-01T00:00:00Z')
const at = (ms: number) => new Date(T0 + ms)
const LEASE = 30_000
const TTL = 3_600_000

const request = (key: string, requestFingerprint = 'req-a', leaseMs = LEASE): IdempotencyGroupClaim => ({
  key,
  requestFingerprint,
  leaseMs,
  ttlMs: TTL,
})
const response = (label: string) => ({
  status: 200,
  body: { by: label, outcomes: [{ id: 'x', status: 'NEW' }] },
})
const tokenOf = (claim: IdempotencyClaim | undefined): string => {
  if (claim?.status !== 'claimed') throw new Error(`expected a claim, got ${claim?.status}`)
  return claim.token
}
// A claim with its (random) token left out, to compare answers of two Stores or two tenants.
const shape = (claim: IdempotencyClaim) =>
  claim.status === 'claimed' ? { status: 'claimed', expiresAt: claim.expiresAt } : claim

/**
 * The shared conformance suite of the {@link IdempotencyGroups} capability, which every Store that has it
 * runs unmodified beside `describeStoreConformance`: each key of a group gets what the single-key method
 * would have answered (claimed, completed with its response, in progress with what is left of the lease,
 * mismatch, a late holder lost), answers come in request order, a repeated key refuses the whole call and
 * changes nothing, and concurrent groups over the same keys give each key to exactly one caller.
 *
 * @example
 * ```ts
 * import { describeIdempotencyGroupsConformance } from '@edusync/core/testing'
 * describeIdempotencyGroupsConformance('memory', { create: async () => createMemoryStore() })
 * ```
 */
export function describeIdempotencyGroupsConformance(
  name: string,
  options: IdempotencyGroupsConformanceOptions,
): void {
  describe(`Store idempotency groups conformance: ${name}`, () => {
    let store: Store & IdempotencyGroups
    beforeEach(async () => {
      store = await options.create()
    })
    afterEach(async () => {
      await store.close()
      await options.teardown?.(store)
    })

    it('claims every new key of a group, in request order, each with its own token and lease', async () => {
      const claims = (
        await store.claimIdempotencyKeys(T1, [request('g-b'), request('g-a', 'req-a', 10_000)], {
          now: at(0),
        })
      )._unsafeUnwrap()
      expect(claims).toEqual([
        { status: 'claimed', token: expect.any(String), expiresAt: at(LEASE) },
        { status: 'claimed', token: expect.any(String), expiresAt: at(10_000) },
      ])
      expect(tokenOf(claims[0])).not.toBe(tokenOf(claims[1]))
      const again = await store.claimIdempotencyKey(T1, { ...request('g-a'), now: at(4_000) })
      expect(again._unsafeUnwrap()).toEqual({ status: 'in_progress', expiresInMs: 6_000 })
      expect((await store.claimIdempotencyKeys(T1, []))._unsafeUnwrap()).toEqual([])
    })

    it('answers each key as a single claim would: completed, in progress, mismatch, taken over', async () => {
      const done = tokenOf(
        (await store.claimIdempotencyKey(T1, { ...request('done'), now: at(0) }))._unsafeUnwrap(),
      )
      await store.completeIdempotencyKey(T1, { key: 'done', token: done }, response('done'), { now: at(0) })
      await store.claimIdempotencyKey(T1, { ...request('busy'), now: at(0) })
      await store.claimIdempotencyKey(T1, { ...request('other', 'req-x'), now: at(0) })
      const stale = tokenOf(
        (
          await store.claimIdempotencyKey(T1, { ...request('stale', 'req-a', 1_000), now: at(0) })
        )._unsafeUnwrap(),
      )
      const claims = (
        await store.claimIdempotencyKeys(
          T1,
          [request('done'), request('busy'), request('other'), request('stale'), request('fresh')],
          { now: at(5_000) },
        )
      )._unsafeUnwrap()
      expect(claims).toEqual([
        { status: 'completed', response: response('done') },
        { status: 'in_progress', expiresInMs: LEASE - 5_000 },
        { status: 'mismatch' },
        { status: 'claimed', token: expect.any(String), expiresAt: at(5_000 + LEASE) },
        { status: 'claimed', token: expect.any(String), expiresAt: at(5_000 + LEASE) },
      ])
      // The stale holder lost the key it let expire: it can neither complete nor release it.
      expect(tokenOf(claims[3])).not.toBe(stale)
      const late = await store.completeIdempotencyKey(T1, { key: 'stale', token: stale }, response('late'))
      expect(late._unsafeUnwrap()).toBe('lost')
    })

    it('completes the held claims of a group; a late holder is lost and the key is left as it is', async () => {
      const [a, b, c] = (
        await store.claimIdempotencyKeys(
          T1,
          [request('c-a'), request('c-b'), request('c-c', 'req-a', 1_000)],
          {
            now: at(0),
          },
        )
      )._unsafeUnwrap()
      // c's lease runs out and another delivery takes the key over.
      const taker = tokenOf(
        (await store.claimIdempotencyKey(T1, { ...request('c-c'), now: at(2_000) }))._unsafeUnwrap(),
      )
      const steps = await store.completeIdempotencyKeys(
        T1,
        [
          { holder: { key: 'c-b', token: tokenOf(b) }, response: response('b') },
          { holder: { key: 'c-c', token: tokenOf(c) }, response: response('c-late') },
          { holder: { key: 'c-a', token: tokenOf(a) }, response: response('a') },
        ],
        { now: at(3_000) },
      )
      expect(steps._unsafeUnwrap()).toEqual(['completed', 'lost', 'completed'])
      const replays = (
        await store.claimIdempotencyKeys(T1, [request('c-a'), request('c-b'), request('c-c')], {
          now: at(4_000),
        })
      )._unsafeUnwrap()
      expect(replays).toEqual([
        { status: 'completed', response: response('a') },
        { status: 'completed', response: response('b') },
        { status: 'in_progress', expiresInMs: LEASE - 2_000 },
      ])
      // The taker still holds c and completes it; a completed key is remembered for its ttl from then.
      const own = await store.completeIdempotencyKey(T1, { key: 'c-c', token: taker }, response('c'), {
        now: at(4_000),
      })
      expect(own._unsafeUnwrap()).toBe('completed')
      const afterTtl = (
        await store.claimIdempotencyKeys(T1, [request('c-a'), request('c-c')], { now: at(3_000 + TTL) })
      )._unsafeUnwrap()
      expect(afterTtl.map((claim) => claim.status)).toEqual(['claimed', 'completed'])
      expect((await store.completeIdempotencyKeys(T1, []))._unsafeUnwrap()).toEqual([])
    })

    it('refuses a group naming a key twice as Invalid, and claims or completes none of it', async () => {
      const claim = await store.claimIdempotencyKeys(T1, [request('r-1'), request('r-2'), request('r-1')])
      expect(claim._unsafeUnwrapErr().reason).toBe('Invalid')
      const [one] = (await store.claimIdempotencyKeys(T1, [request('r-1')]))._unsafeUnwrap()
      const holder = { key: 'r-1', token: tokenOf(one) }
      const complete = await store.completeIdempotencyKeys(T1, [
        { holder, response: response('first') },
        { holder, response: response('second') },
      ])
      expect(complete._unsafeUnwrapErr().reason).toBe('Invalid')
      expect((await store.claimIdempotencyKey(T1, request('r-2')))._unsafeUnwrap().status).toBe('claimed')
      expect((await store.claimIdempotencyKey(T1, request('r-1')))._unsafeUnwrap().status).toBe('in_progress')
    })

    it('keeps tenants apart: the same keys in another tenant are claimed and completed on their own', async () => {
      const [mine] = (await store.claimIdempotencyKeys(T1, [request('t-1')]))._unsafeUnwrap()
      const [theirs] = (await store.claimIdempotencyKeys(T2, [request('t-1', 'req-b')]))._unsafeUnwrap()
      expect(theirs?.status).toBe('claimed')
      const crossed = await store.completeIdempotencyKeys(T2, [
        { holder: { key: 't-1', token: tokenOf(mine) }, response: response('crossed') },
      ])
      expect(crossed._unsafeUnwrap()).toEqual(['lost'])
      const own = await store.completeIdempotencyKeys(T1, [
        { holder: { key: 't-1', token: tokenOf(mine) }, response: response('mine') },
      ])
      expect(own._unsafeUnwrap()).toEqual(['completed'])
      expect((await store.claimIdempotencyKey(T2, request('t-1', 'req-b')))._unsafeUnwrap().status).toBe(
        'in_progress',
      )
    })

    it('gives each key to exactly one of many concurrent groups over the same keys, in any order', async () => {
      const keys = Array.from({ length: 24 }, (_, i) => `race-${String(i).padStart(2, '0')}`)
      // Each group names the keys in its own order (rotated and reversed), so lock order is the Store's job.
      const groups = Array.from({ length: 8 }, (_, g) => {
        const rotated = [...keys.slice(g * 3), ...keys.slice(0, g * 3)]
        return g % 2 === 0 ? rotated : rotated.reverse()
      })
      const results = await Promise.all(
        groups.map((group) =>
          store.claimIdempotencyKeys(
            T1,
            group.map((key) => request(key)),
          ),
        ),
      )
      const winners = new Map<string, number>()
      for (const [g, result] of results.entries()) {
        const claims = result._unsafeUnwrap()
        for (const [i, claim] of claims.entries()) {
          expect(['claimed', 'in_progress']).toContain(claim.status)
          if (claim.status === 'claimed') {
            const key = groups[g]?.[i] as string
            winners.set(key, (winners.get(key) ?? 0) + 1)
          }
        }
      }
      expect([...winners.keys()].sort()).toEqual(keys)
      expect([...winners.values()].every((n) => n === 1)).toBe(true)
    })

    it('answers a group exactly as the same claims made one by one (property)', async () => {
      const step = fc.record({
        keys: fc.uniqueArray(fc.constantFrom('p-1', 'p-2', 'p-3', 'p-4'), { minLength: 1, maxLength: 4 }),
        body: fc.constantFrom('req-a', 'req-b'),
        // What the holders then do with what they claimed: complete, release, or keep holding.
        settle: fc.constantFrom('complete', 'release', 'hold'),
        advanceMs: fc.constantFrom(0, 1_000, 20_000),
      })
      let run = 0
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
          // Two tenants of one Store: T1 claimed key by key, T2 in groups; answers must match.
          const one = `${T1}-p${run}`
          const two = `${T2}-p${run}`
          run++
          let clock = 0
          for (const s of steps) {
            clock += s.advanceMs
            const now = at(clock)
            const singles: IdempotencyClaim[] = []
            for (const key of s.keys) {
              singles.push(
                (
                  await store.claimIdempotencyKey(one, { ...request(key, s.body, 10_000), now })
                )._unsafeUnwrap(),
              )
            }
            const grouped = (
              await store.claimIdempotencyKeys(
                two,
                s.keys.map((key) => request(key, s.body, 10_000)),
                { now },
              )
            )._unsafeUnwrap()
            expect(grouped.map(shape)).toEqual(singles.map(shape))
            if (s.settle === 'hold') continue
            const held = (claims: readonly IdempotencyClaim[]) =>
              s.keys.flatMap((key, i) => {
                const claim = claims[i]
                return claim?.status === 'claimed' ? [{ key, token: claim.token }] : []
              })
            for (const holder of held(singles)) {
              if (s.settle === 'complete') {
                await store.completeIdempotencyKey(one, holder, response(holder.key), { now })
              } else await store.releaseIdempotencyKey(one, holder)
            }
            const mine = held(grouped)
            if (s.settle === 'complete') {
              const steps = await store.completeIdempotencyKeys(
                two,
                mine.map((holder) => ({ holder, response: response(holder.key) })),
                { now },
              )
              expect(steps._unsafeUnwrap()).toEqual(mine.map(() => 'completed'))
            } else for (const holder of mine) await store.releaseIdempotencyKey(two, holder)
          }
        }),
        { numRuns: 30 },
      )
    }, 60_000)
  })
}
