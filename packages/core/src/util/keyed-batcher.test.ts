import { setImmediate as nextTurn } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { createKeyedBatcher } from './keyed-batcher.ts'

interface Item {
  readonly name: string
  readonly ids?: readonly string[]
  readonly weight?: number
}

/** One `run` call: its key, its items' names, and `end` to let it answer (`key:name` per item). */
interface Call {
  readonly key: string
  readonly names: readonly string[]
  ended: boolean
  end(): void
}

/** A batcher whose groups stay in flight until the test ends them; `calls` lists every group run. */
function gated(options: { maxInFlight?: number; maxWeight?: number; idsWaitForInFlight?: boolean } = {}) {
  const calls: Call[] = []
  const batcher = createKeyedBatcher<Item, string>({
    maxInFlight: options.maxInFlight ?? 1,
    maxWeight: options.maxWeight ?? 100,
    weigh: (item) => item.weight ?? 1,
    ids: (item) => item.ids ?? [],
    idsWaitForInFlight: options.idsWaitForInFlight ?? false,
    run: (key, items) =>
      new Promise((resolve) => {
        const call: Call = {
          key,
          names: items.map((i) => i.name),
          ended: false,
          end: () => {
            call.ended = true
            resolve(items.map((i) => `${key}:${i.name}`))
          },
        }
        calls.push(call)
      }),
    failed: (cause) => `failed: ${String(cause)}`,
  })
  const submit = (key: string, name: string, rest: Omit<Item, 'name'> = {}) =>
    batcher.submit(key, { name, ...rest })
  const groups = () => calls.map((c) => c.names)
  return { submit, calls, groups }
}

/** Lets the batcher's scheduled turn (and what a finished group starts) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await nextTurn()
}

describe('createKeyedBatcher', () => {
  it('gathers the items of one turn into one group per key, each caller getting its own answer', async () => {
    const batcher = createKeyedBatcher<string, string>({
      maxInFlight: 2,
      maxWeight: 10,
      run: async (key, items) => items.map((item) => `${key}/${item}/${items.length}`),
      failed: () => 'failed',
    })
    const answers = await Promise.all([
      batcher.submit('acme', 'a'),
      batcher.submit('globex', 'x'),
      batcher.submit('acme', 'b'),
      batcher.submit('acme', 'c'),
    ])
    expect(answers).toEqual(['acme/a/3', 'globex/x/1', 'acme/b/3', 'acme/c/3'])
  })

  it('forms the next group from the items arriving while maxInFlight groups are in flight', async () => {
    const { submit, calls, groups } = gated({ maxInFlight: 1 })
    const first = submit('acme', '1')
    await settle()
    const later = [submit('acme', '2'), submit('acme', '3')]
    await settle()
    const more = submit('acme', '4')
    await settle()
    expect(groups()).toEqual([['1']])
    calls[0]?.end()
    await settle()
    expect(groups()).toEqual([['1'], ['2', '3', '4']])
    calls[1]?.end()
    expect(await Promise.all([first, ...later, more])).toEqual(['acme:1', 'acme:2', 'acme:3', 'acme:4'])
  })

  it('runs up to maxInFlight groups of one key at once', async () => {
    const { submit, calls, groups } = gated({ maxInFlight: 2 })
    const answers = [submit('acme', '1')]
    await settle()
    answers.push(submit('acme', '2'))
    await settle()
    answers.push(submit('acme', '3'))
    await settle()
    expect(groups()).toEqual([['1'], ['2']])
    calls[1]?.end()
    await settle()
    expect(groups()).toEqual([['1'], ['2'], ['3']])
    for (const call of calls) if (!call.ended) call.end()
    expect(await Promise.all(answers)).toEqual(['acme:1', 'acme:2', 'acme:3'])
  })

  it('never lets a group weigh more than maxWeight, and runs an item over the bound alone', async () => {
    const { submit, calls, groups } = gated({ maxInFlight: 10, maxWeight: 4 })
    const answers = [
      submit('acme', 'a', { weight: 3 }),
      submit('acme', 'b', { weight: 3 }),
      submit('acme', 'huge', { weight: 9 }),
      submit('acme', 'd', { weight: 1 }),
    ]
    await settle()
    // The skipped items keep their order; the lighter one behind them fills the first group.
    expect(groups()).toEqual([['a', 'd'], ['b'], ['huge']])
    for (const call of calls) call.end()
    expect(await Promise.all(answers)).toEqual(['acme:a', 'acme:b', 'acme:huge', 'acme:d'])
  })

  it('never puts two items sharing an id in one group, nor lets the later one overtake the earlier', async () => {
    const { submit, calls, groups } = gated({ maxInFlight: 10, maxWeight: 3 })
    const answers = [
      submit('acme', 'filler', { weight: 2 }),
      submit('acme', 'x-v1', { ids: ['x'], weight: 2 }),
      submit('acme', 'x-v2', { ids: ['x'] }),
      submit('acme', 'y', { ids: ['y'] }),
    ]
    await settle()
    // x-v2 would fit beside the filler, but x-v1 (too heavy for it) arrived first.
    expect(groups()).toEqual([['filler', 'y'], ['x-v1'], ['x-v2']])
    for (const call of calls) call.end()
    expect(await Promise.all(answers)).toEqual(['acme:filler', 'acme:x-v1', 'acme:x-v2', 'acme:y'])
  })

  it('starts a group beside one in flight holding the same id, unless idsWaitForInFlight', async () => {
    for (const idsWaitForInFlight of [false, true]) {
      const { submit, calls, groups } = gated({ maxInFlight: 2, idsWaitForInFlight })
      const first = submit('acme', 'x-v1', { ids: ['x'] })
      await settle()
      const second = [submit('acme', 'x-v2', { ids: ['x', 'y'] }), submit('acme', 'z', { ids: ['z'] })]
      await settle()
      // Waiting, x-v2 also holds back nothing that does not share an id with it: z runs now.
      expect(groups()).toEqual(idsWaitForInFlight ? [['x-v1'], ['z']] : [['x-v1'], ['x-v2', 'z']])
      calls[0]?.end()
      calls[1]?.end()
      await settle()
      expect(groups()).toEqual(idsWaitForInFlight ? [['x-v1'], ['z'], ['x-v2']] : [['x-v1'], ['x-v2', 'z']])
      for (const call of calls) if (!call.ended) call.end()
      expect(await Promise.all([first, ...second])).toEqual(['acme:x-v1', 'acme:x-v2', 'acme:z'])
    }
  })

  it('fails only the items of a group whose run throws, with one answer, and still runs the next group', async () => {
    const runs: string[][] = []
    const failures: unknown[] = []
    const batcher = createKeyedBatcher<string, string | Error>({
      maxInFlight: 1,
      maxWeight: 10,
      run: (_key, items) => {
        runs.push([...items])
        if (items.includes('bad')) throw new TypeError('a bug')
        return Promise.resolve(items.map((item) => `ok ${item}`))
      },
      failed: (cause) => {
        failures.push(cause)
        return new Error('failed', { cause })
      },
    })
    const group = [batcher.submit('acme', 'a'), batcher.submit('acme', 'bad')]
    const other = batcher.submit('globex', 'g')
    await settle()
    const next = batcher.submit('acme', 'c')
    const [a, bad] = await Promise.all(group)
    expect(a).toBeInstanceOf(Error)
    expect(a).toBe(bad)
    expect((a as Error).cause).toBeInstanceOf(TypeError)
    expect(failures).toHaveLength(1)
    expect(await other).toBe('ok g')
    expect(await next).toBe('ok c')
    expect(runs).toEqual([['a', 'bad'], ['g'], ['c']])
  })

  it('answers an item that run left without an answer through failed', async () => {
    const batcher = createKeyedBatcher<string, string>({
      maxInFlight: 1,
      maxWeight: 10,
      run: async (_key, items) => items.slice(1).map((item) => `ok ${item}`),
      failed: (cause) => `failed: ${(cause as Error).message}`,
    })
    expect(await Promise.all(['a', 'b'].map((item) => batcher.submit('acme', item)))).toEqual([
      'ok b',
      "failed: run answered 1 of the group's 2 items",
    ])
  })

  it("answers each deferred answer when its own promise settles, and holds the group's slot until then", async () => {
    let resolveLate: (answer: string) => void = () => {}
    const late = new Promise<string>((resolve) => {
      resolveLate = resolve
    })
    const runs: string[][] = []
    const batcher = createKeyedBatcher<string, string>({
      maxInFlight: 1,
      maxWeight: 10,
      run: async (_key, items) => {
        runs.push([...items])
        return items.map((item) => {
          if (item === 'late') return late
          if (item === 'rejected') return Promise.reject(new Error('gone'))
          return `ok ${item}`
        })
      },
      failed: (cause) => `failed: ${(cause as Error).message}`,
    })
    const order: string[] = []
    const answers = ['late', 'now', 'rejected'].map((item) =>
      batcher.submit('acme', item).then((answer) => {
        order.push(answer)
        return answer
      }),
    )
    await settle()
    const next = batcher.submit('acme', 'next')
    await settle()
    expect(order).toEqual(['ok now', 'failed: gone'])
    expect(runs).toEqual([['late', 'now', 'rejected']])
    resolveLate('ok late')
    expect(await Promise.all(answers)).toEqual(['ok late', 'ok now', 'failed: gone'])
    expect(await next).toBe('ok next')
    expect(runs).toEqual([['late', 'now', 'rejected'], ['next']])
  })

  it('keeps keys independent: a key whose group never ends delays no other key', async () => {
    const { submit, calls, groups } = gated({ maxInFlight: 1 })
    const stuck = submit('stuck', 's')
    await settle()
    const answers = [submit('acme', 'a'), submit('globex', 'g')]
    await settle()
    for (const call of calls) if (call.key !== 'stuck') call.end()
    expect(await Promise.all(answers)).toEqual(['acme:a', 'globex:g'])
    expect(groups()).toEqual([['s'], ['a'], ['g']])
    calls[0]?.end()
    expect(await stuck).toBe('stuck:s')
  })

  it('refuses a maxInFlight below 1, which would never run a group', () => {
    const options = { maxWeight: 1, run: async () => [], failed: () => undefined }
    expect(() => createKeyedBatcher({ ...options, maxInFlight: 0 })).toThrow(RangeError)
    expect(() => createKeyedBatcher({ ...options, maxInFlight: Number.NaN })).toThrow(
      'maxInFlight must be at least 1, received NaN',
    )
  })
})
