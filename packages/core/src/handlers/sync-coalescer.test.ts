import { ResultAsync } from 'neverthrow'
import { describe, expect, it } from 'vitest'
import { StoreError } from '../errors/store-error.ts'
import { createMemoryStore } from '../store/memory-store.ts'
import type { Store } from '../store/store.ts'
import { createSyncEngine } from '../sync/sync-engine.ts'
import type { HandlerLogger } from './handler-context.ts'
import { createSyncCoalescer } from './sync-coalescer.ts'

/** A logger writing JSON lines (bound fields included) into `lines`. */
function captureLogger(lines: string[], bound: Record<string, unknown> = {}): HandlerLogger {
  const write = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    lines.push(JSON.stringify({ level, msg, ...bound, ...fields }))
  }
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    child: (fields) => captureLogger(lines, { ...bound, ...fields }),
  }
}

/** A memory Store whose writes wait until `open()` is called, so deliveries pile up behind a batch. */
function gatedStore() {
  const inner = createMemoryStore()
  let open: () => void = () => {}
  const gate = new Promise<void>((resolve) => {
    open = resolve
  })
  const writes: number[] = []
  const store: Store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver)
      if (prop !== 'applyBatch') return value
      return (...args: Parameters<Store['applyBatch']>) => {
        writes.push(args[2].upserts.length + args[2].park.length)
        return ResultAsync.fromSafePromise(gate).andThen(() => inner.applyBatch(...args))
      }
    },
  })
  return { store, open: () => open(), writes }
}

const student = (id: string, lastName: string) => ({ id, firstName: 'Ayşe', lastName, status: 'active' })

describe('createSyncCoalescer', () => {
  // Regression (found by the host benchmark): 16 concurrent 200-record webhooks were merged into one
  // batch above the host engine's 1,000-record bound and every delivery of it was refused with 422.
  it("never merges deliveries into a batch above the engine's record bound", async () => {
    const { store, open, writes } = gatedStore()
    const engine = createSyncEngine({ store, limits: { maxRecords: 100 } })
    const coalescer = createSyncCoalescer({ engine })
    const delivery = (n: number) => Array.from({ length: 40 }, (_, k) => student(`${n}-${k}`, `L${n}`))
    const results = [1, 2, 3, 4, 5, 6].map((n) => coalescer.sync('acme', 'student', delivery(n)))
    open()
    for (const r of await Promise.all(results)) {
      expect(r._unsafeUnwrap().counts).toMatchObject({ total: 40, new: 40 })
    }
    expect(writes.every((n) => n <= 100)).toBe(true)
    expect(writes.reduce((a, b) => a + b, 0)).toBe(240)
    expect((await store.countRecords('acme', 'student'))._unsafeUnwrap()).toBe(240)
  })

  it('merges deliveries that arrive while a batch is in flight, each getting its own outcomes', async () => {
    const { store, open, writes } = gatedStore()
    const lines: string[] = []
    const logger = captureLogger(lines)
    const coalescer = createSyncCoalescer({ engine: createSyncEngine({ store }), logger })
    const ctx = (n: number) => ({ requestId: `r${n}`, log: captureLogger(lines, { requestId: `r${n}` }) })
    const first = coalescer.sync('acme', 'student', [student('1', 'One')], ctx(1))
    await new Promise((r) => setTimeout(r, 5))
    const rest = [2, 3, 4].map((n) =>
      coalescer.sync('acme', 'student', [student(String(n), `N${n}`)], ctx(n)),
    )
    open()
    const results = await Promise.all([first, ...rest])
    expect(results.map((r) => r._unsafeUnwrap().outcomes)).toEqual(
      [1, 2, 3, 4].map((n) => [{ status: 'NEW', entity: 'student', id: String(n), index: 0 }]),
    )
    expect(writes).toEqual([1, 3])
    // The shared batch's engine lines name every request they served.
    expect(
      lines.some((l) => l.includes('"batch synced"') && l.includes('"requestIds":["r2","r3","r4"]')),
    ).toBe(true)
  })

  // A -> B of one record arriving together must be applied in order, not reported as a duplicate in batch.
  it('never puts two deliveries of the same record id into one batch', async () => {
    const { store, open, writes } = gatedStore()
    const coalescer = createSyncCoalescer({ engine: createSyncEngine({ store }) })
    const ctx = { requestId: 'r' }
    const first = coalescer.sync('acme', 'student', [student('9', 'Other')], ctx)
    await new Promise((r) => setTimeout(r, 5))
    const a = coalescer.sync('acme', 'student', [student('1', 'A')], ctx)
    const b = coalescer.sync('acme', 'student', [student('1', 'B')], ctx)
    open()
    const [, ra, rb] = await Promise.all([first, a, b])
    expect(ra._unsafeUnwrap().outcomes[0]?.status).toBe('NEW')
    expect(rb._unsafeUnwrap().outcomes[0]?.status).toBe('UPDATED')
    expect(writes).toEqual([1, 1, 1])
    const stored = await store.readRecords('acme', 'student', ['1'])
    expect(stored._unsafeUnwrap().get('1')?.data.lastName).toBe('B')
  })

  it('fails every delivery of a batch that fails, so each releases its key and is retried', async () => {
    const { store, open } = gatedStore()
    let failing = true
    const failingStore: Store = new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver)
        if (prop !== 'readFingerprints' || !failing) return value
        return () =>
          ResultAsync.fromPromise(
            Promise.reject(new Error('gone')),
            () => new StoreError('Unavailable', 'gone'),
          )
      },
    })
    const coalescer = createSyncCoalescer({ engine: createSyncEngine({ store: failingStore }) })
    const ctx = { requestId: 'r' }
    open()
    const results = await Promise.all(
      ['1', '2'].map((id) => coalescer.sync('acme', 'student', [student(id, id)], ctx)),
    )
    expect(results.map((r) => r.isErr() && r.error.retryable)).toEqual([true, true])
    failing = false
    const retry = await coalescer.sync('acme', 'student', [student('1', '1')], ctx)
    expect(retry._unsafeUnwrap().outcomes[0]?.status).toBe('NEW')
  })
})

describe('createSyncCoalescer ordering', () => {
  // Regression (found writing the keyed batcher's arrival-order property): a delivery skipped because it did not fit the
  // batch let a later delivery of the same record id into that batch, so A -> B was applied as B -> A.
  it('applies two versions of a record in arrival order when the earlier one does not fit the batch', async () => {
    const { store, open } = gatedStore()
    const coalescer = createSyncCoalescer({
      engine: createSyncEngine({ store, limits: { maxRecords: 100 } }),
    })
    const ctx = { requestId: 'r' }
    const filler = Array.from({ length: 90 }, (_, k) => student(`f-${k}`, 'Filler'))
    const crowd = Array.from({ length: 19 }, (_, k) => student(`c-${k}`, 'Crowd'))
    const first = coalescer.sync('acme', 'student', filler, ctx)
    const versionA = coalescer.sync('acme', 'student', [...crowd, student('1', 'A')], ctx)
    const versionB = coalescer.sync('acme', 'student', [student('1', 'B')], ctx)
    open()
    const [, a, b] = await Promise.all([first, versionA, versionB])
    expect(a._unsafeUnwrap().outcomes.at(-1)?.status).toBe('NEW')
    expect(b._unsafeUnwrap().outcomes[0]?.status).toBe('UPDATED')
    const stored = await store.readRecords('acme', 'student', ['1'])
    expect(stored._unsafeUnwrap().get('1')?.data.lastName).toBe('B')
  })

  // Same bug, other cause: the earlier delivery waited for a batch in flight holding another of its ids.
  it('applies two versions of a record in arrival order when the earlier one waits for a batch in flight', async () => {
    const { store, open } = gatedStore()
    const coalescer = createSyncCoalescer({ engine: createSyncEngine({ store }) })
    const ctx = { requestId: 'r' }
    const first = coalescer.sync('acme', 'student', [student('9', 'Nine')], ctx)
    await new Promise((r) => setTimeout(r, 5))
    const a = coalescer.sync('acme', 'student', [student('9', 'Nine again'), student('1', 'A')], ctx)
    const b = coalescer.sync('acme', 'student', [student('1', 'B')], ctx)
    // Both are taken (or held back) while the first batch is still in flight.
    await new Promise((r) => setTimeout(r, 5))
    open()
    const [, ra, rb] = await Promise.all([first, a, b])
    expect(ra._unsafeUnwrap().outcomes[1]?.status).toBe('NEW')
    expect(rb._unsafeUnwrap().outcomes[0]?.status).toBe('UPDATED')
    const stored = await store.readRecords('acme', 'student', ['1'])
    expect(stored._unsafeUnwrap().get('1')?.data.lastName).toBe('B')
  })
})
