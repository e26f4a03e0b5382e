import { setImmediate as nextTurn } from 'node:timers/promises'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createKeyedBatcher } from './keyed-batcher.ts'

// Random waves of items over three keys (some sharing ids, of random weights, some failing), submitted a
// random number of event-loop turns apart, against groups that take random numbers of turns; one key may
// be stuck until every other key is done. Every guarantee of the batcher's TSDoc is checked afterwards.

interface Item {
  readonly name: string
  readonly order: number
  readonly key: string
  readonly ids: readonly string[]
  readonly weight: number
  readonly turns: number
  readonly fail: boolean
}

interface Group {
  readonly index: number
  readonly key: string
  readonly items: readonly Item[]
  readonly start: number
  end: number
}

type Answer = string | { readonly failed: unknown }

const keys = ['k0', 'k1', 'k2'] as const
const item = fc.record({
  key: fc.constantFrom(...keys),
  ids: fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 2 }),
  weight: fc.integer({ min: 1, max: 4 }),
  turns: fc.integer({ min: 0, max: 3 }),
  fail: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
})
const scenario = fc.record({
  maxInFlight: fc.integer({ min: 1, max: 3 }),
  maxWeight: fc.integer({ min: 1, max: 6 }),
  idsWaitForInFlight: fc.boolean(),
  failure: fc.constantFrom('run throws' as const, 'answer rejects' as const),
  stuck: fc.option(fc.constantFrom(...keys), { nil: undefined }),
  waves: fc.array(
    fc.record({ gap: fc.integer({ min: 0, max: 3 }), items: fc.array(item, { minLength: 1, maxLength: 6 }) }),
    { minLength: 1, maxLength: 6 },
  ),
})

const sharesId = (a: Item, b: Item) => a.ids.some((id) => b.ids.includes(id))

describe('createKeyedBatcher (property)', () => {
  it('answers every item exactly once, in bounded groups of one key, in arrival order per id, keys apart', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        let clock = 0
        const groups: Group[] = []
        const live = new Map<string, Set<Group>>()
        const violations: string[] = []
        let releaseStuck: () => void = () => {}
        const stuckGate = new Promise<void>((resolve) => {
          releaseStuck = resolve
        })

        const batcher = createKeyedBatcher<Item, Answer>({
          maxInFlight: s.maxInFlight,
          maxWeight: s.maxWeight,
          weigh: (i) => i.weight,
          ids: (i) => i.ids,
          idsWaitForInFlight: s.idsWaitForInFlight,
          run: async (key, items) => {
            const group: Group = { index: groups.length, key, items, start: clock++, end: -1 }
            groups.push(group)
            const running = live.get(key) ?? new Set<Group>()
            live.set(key, running)
            if (running.size >= s.maxInFlight) violations.push(`group ${group.index}: over maxInFlight`)
            for (const other of running) {
              const shared = items.some((a) => other.items.some((b) => sharesId(a, b)))
              if (s.idsWaitForInFlight && shared)
                violations.push(`group ${group.index}: beside ${other.index} holding one of its ids`)
            }
            running.add(group)
            if (key === s.stuck) await stuckGate
            for (let t = 0; t < Math.max(...items.map((i) => i.turns)); t++) await nextTurn()
            running.delete(group)
            group.end = clock++
            if (s.failure === 'run throws' && items.some((i) => i.fail))
              throw new Error(`group ${group.index}`)
            return items.map((i) =>
              s.failure === 'answer rejects' && i.fail
                ? nextTurn().then(() => Promise.reject(new Error(`item ${i.name}`)))
                : `${i.name} in ${group.index}`,
            )
          },
          failed: (cause) => ({ failed: cause }),
        })

        const submitted: { item: Item; answer: Promise<Answer> }[] = []
        for (const wave of s.waves) {
          for (let t = 0; t < wave.gap; t++) await nextTurn()
          for (const generated of wave.items) {
            const order = submitted.length
            const it: Item = { ...generated, name: `i${order}`, order }
            submitted.push({ item: it, answer: batcher.submit(it.key, it) })
          }
        }

        // Keys are independent: every key but the stuck one finishes while the stuck one is held.
        const free = submitted.filter((x) => x.item.key !== s.stuck)
        const timedOut = Symbol('timed out')
        const freeAnswers = await Promise.race([
          Promise.all(free.map((x) => x.answer)),
          new Promise<typeof timedOut>((resolve) => setTimeout(() => resolve(timedOut), 2_000)),
        ])
        expect(freeAnswers).not.toBe(timedOut)
        releaseStuck()
        const answers = await Promise.all(submitted.map((x) => x.answer))

        expect(violations).toEqual([])
        // Every item ran in exactly one group, of its own key, never empty, within the weight bound unless
        // alone, never beside another item sharing one of its ids.
        const groupOf = new Map<string, Group>()
        for (const group of groups) {
          expect(group.items.length).toBeGreaterThan(0)
          const weight = group.items.reduce((sum, i) => sum + i.weight, 0)
          if (group.items.length > 1) expect(weight).toBeLessThanOrEqual(s.maxWeight)
          for (const [n, a] of group.items.entries()) {
            expect(a.key).toBe(group.key)
            expect(groupOf.has(a.name)).toBe(false)
            groupOf.set(a.name, group)
            for (const b of group.items.slice(n + 1)) expect(sharesId(a, b)).toBe(false)
          }
        }
        expect(groupOf.size).toBe(submitted.length)
        // Items sharing an id start in arrival order, and one after another when asked.
        for (const { item: a } of submitted) {
          for (const { item: b } of submitted) {
            if (a.order >= b.order || a.key !== b.key || !sharesId(a, b)) continue
            const [ga, gb] = [groupOf.get(a.name) as Group, groupOf.get(b.name) as Group]
            expect(ga.start).toBeLessThan(gb.start)
            if (s.idsWaitForInFlight) expect(ga.end).toBeLessThan(gb.start)
          }
        }
        // Each caller got its own group's answer; a failure touched only its own group (or item).
        for (const [n, { item: it }] of submitted.entries()) {
          const group = groupOf.get(it.name) as Group
          const groupFailed = s.failure === 'run throws' && group.items.some((i) => i.fail)
          const itemFailed = s.failure === 'answer rejects' && it.fail
          const answer = answers[n]
          if (groupFailed) {
            expect(answer).toEqual({ failed: new Error(`group ${group.index}`) })
            // One answer for the whole group (`failed` is called once).
            const first = submitted.findIndex((x) => x.item.name === group.items[0]?.name)
            expect(answer).toBe(answers[first])
          } else if (itemFailed) expect(answer).toEqual({ failed: new Error(`item ${it.name}`) })
          else expect(answer).toBe(`${it.name} in ${group.index}`)
        }
      }),
      { numRuns: 150 },
    )
  })
})
