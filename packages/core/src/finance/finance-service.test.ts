import fc from 'fast-check'
import { err, errAsync, ok, okAsync, ResultAsync } from 'neverthrow'
import { describe, expect, it } from 'vitest'
import { StoreError } from '../errors/store-error.ts'
import { createMemoryStore } from '../store/memory-store.ts'
import { createSyncEngine } from '../sync/sync-engine.ts'
import { invoiceRecord, paymentRecord, schoolRecord, studentRecord } from '../testing/finance-data.ts'
import { createFinance } from './finance-service.ts'
import type { FinanceStore } from './finance-store.ts'
import { createMemoryFinanceStore } from './memory-finance-store.ts'
import type { StatementCache } from './statement-cache.ts'
import { createMemoryStatementCache } from './statement-cache.ts'

const T = 'acme'
const scope = { kind: 'student', id: 's-1' } as const
const period = { from: '2026-01-01', to: '2026-12-31', asOf: '2026-03-01' }

async function setup(cache?: StatementCache, lines?: string[], financeStore?: FinanceStore) {
  const store = createMemoryStore()
  await createSyncEngine({ store }).syncBatch({
    tenant: T,
    entity: 'student',
    records: [studentRecord('s-1')],
  })
  const logger = {
    debug() {},
    info: (message: string, fields?: Record<string, unknown>) =>
      lines?.push(JSON.stringify({ message, ...fields })),
    warn: (message: string, fields?: Record<string, unknown>) =>
      lines?.push(JSON.stringify({ level: 'warn', message, ...fields })),
  }
  const finance = createFinance({
    store,
    finance: financeStore ?? createMemoryFinanceStore(),
    cache,
    logger,
    cacheResilience: { failureThreshold: 3, halfOpenAfterMs: 60_000, timeoutMs: 50 },
    now: () => new Date('2026-03-01T10:00:00Z'),
  })
  await finance.syncBatch({ tenant: T, entity: 'school', records: [schoolRecord('school-1')] })
  await finance.syncBatch({
    tenant: T,
    entity: 'invoice',
    records: [invoiceRecord('inv-1', { studentId: 's-1', totalMinor: 10_000 })],
  })
  return finance
}

// A cache whose backend is down: every call fails, and counts how often it was tried.
function brokenCache() {
  const calls = { n: 0 }
  const cache: StatementCache = {
    id: 'broken',
    get: () => {
      calls.n++
      return errAsync(new StoreError('Unavailable', 'connection refused'))
    },
    set: () => {
      calls.n++
      return errAsync(new StoreError('Unavailable', 'connection refused'))
    },
    close: async () => {},
  }
  return { cache, calls }
}

describe('finance.statements', () => {
  it('serves the second read from the cache and the read after a payment fresh (its version was bumped)', async () => {
    const finance = await setup(createMemoryStatementCache())
    const first = (await finance.statements({ tenant: T, scope, ...period }))._unsafeUnwrap()
    expect(first.cache).toBe('miss')
    expect(first.statements[0]?.closingMinor).toBe(10_000)
    const second = (await finance.statements({ tenant: T, scope, ...period }))._unsafeUnwrap()
    expect(second).toEqual({ ...first, cache: 'hit' })
    await finance.syncBatch({
      tenant: T,
      entity: 'invoicePayment',
      records: [paymentRecord('p-1', { invoiceId: 'inv-1', amountMinor: 2_500 })],
    })
    const third = (await finance.statements({ tenant: T, scope, ...period }))._unsafeUnwrap()
    expect(third.cache).toBe('miss')
    expect(third.statements[0]?.closingMinor).toBe(7_500)
    expect(third.statements[0]?.lines.map((l) => l.id)).toEqual(['inv-1', 'p-1'])
  })

  it('serves school summaries through the same versioned cache, apart from the statements', async () => {
    const finance = await setup(createMemoryStatementCache())
    const school = { kind: 'school', id: 'school-1' } as const
    await finance.statements({ tenant: T, scope: school, ...period })
    const first = (await finance.statementSummaries({ tenant: T, scope: school, ...period }))._unsafeUnwrap()
    expect(first.cache).toBe('miss')
    expect(first.summaries[0]).toMatchObject({
      currency: 'USD',
      debitsMinor: 10_000,
      creditsMinor: 0,
      closingMinor: 10_000,
      students: [{ studentId: 's-1', closingMinor: 10_000, aging: { days1to30: 10_000 } }],
    })
    const second = (await finance.statementSummaries({ tenant: T, scope: school, ...period }))._unsafeUnwrap()
    expect(second).toEqual({ ...first, cache: 'hit' })
    await finance.syncBatch({
      tenant: T,
      entity: 'invoicePayment',
      records: [paymentRecord('p-1', { invoiceId: 'inv-1', amountMinor: 2_500 })],
    })
    const third = (await finance.statementSummaries({ tenant: T, scope: school, ...period }))._unsafeUnwrap()
    expect(third.cache).toBe('miss')
    expect(third.summaries[0]).toMatchObject({ creditsMinor: 2_500, closingMinor: 7_500 })
  })

  it('keeps serving statements from the store when the cache fails, and opens the breaker after 3 failures', async () => {
    const { cache, calls } = brokenCache()
    const finance = await setup(cache)
    for (let i = 0; i < 5; i++) {
      const r = (await finance.statements({ tenant: T, scope, ...period }))._unsafeUnwrap()
      expect(r.cache).toBe('bypass')
      expect(r.statements[0]?.closingMinor).toBe(10_000)
    }
    expect(finance.cacheState).toBe('open')
    // Three failed gets opened the breaker; no call reached the cache afterwards.
    expect(calls.n).toBe(3)
  })

  it('treats a cache that hangs as failed after the timeout and still answers', async () => {
    const hanging: StatementCache = {
      id: 'hanging',
      get: () => okAsync(undefined).andThen(() => new Promise<never>(() => {}) as never),
      set: () => okAsync(undefined),
      close: async () => {},
    }
    const finance = await setup(hanging)
    const started = performance.now()
    const r = (await finance.statements({ tenant: T, scope, ...period }))._unsafeUnwrap()
    expect(r.cache).toBe('bypass')
    expect(r.statements).toHaveLength(1)
    expect(performance.now() - started).toBeLessThan(5_000)
  })

  it('answers without waiting for the cache SET; a failing SET is logged, never thrown', async () => {
    const memory = createMemoryStatementCache()
    const held: ((fail: boolean) => void)[] = []
    const cache: StatementCache = {
      id: 'held',
      get: (key) => memory.get(key),
      // The SET completes only when the test says so, and then fails.
      set: () =>
        new ResultAsync(
          new Promise((resolve) =>
            held.push((fail) =>
              resolve(fail ? err(new StoreError('Unavailable', 'connection reset')) : ok(undefined)),
            ),
          ),
        ),
      close: async () => {},
    }
    const lines: string[] = []
    const finance = await setup(cache, lines)
    for (let i = 0; i < 3; i++) {
      const r = (await finance.statements({ tenant: T, scope, ...period }))._unsafeUnwrap()
      // The response is complete while its SET is still in flight.
      expect(held).toHaveLength(1)
      expect(r).toMatchObject({ cache: 'miss', statements: [{ closingMinor: 10_000 }] })
      held.shift()?.(true)
      await finance.cacheIdle()
    }
    expect(lines.filter((l) => l.includes('statement cache write failed'))).toHaveLength(3)
  })

  it('never serves a statement cached under a version that a write moved past while the SET was in flight', async () => {
    const memory = createMemoryStatementCache()
    let release: (() => void) | undefined
    const cache: StatementCache = {
      id: 'slow-set',
      get: (key) => memory.get(key),
      set: (key, value, ttl) => {
        const landed = new Promise<void>((resolve) => {
          release = resolve
        })
        return ResultAsync.fromSafePromise(landed).andThen(() => memory.set(key, value, ttl))
      },
      close: async () => {},
    }
    const finance = await setup(cache)
    expect((await finance.statements({ tenant: T, scope, ...period }))._unsafeUnwrap().cache).toBe('miss')
    // A payment commits before the first read's SET lands.
    await finance.syncBatch({
      tenant: T,
      entity: 'invoicePayment',
      records: [paymentRecord('p-1', { invoiceId: 'inv-1', amountMinor: 2_500 })],
    })
    release?.()
    await finance.cacheIdle()
    expect((await finance.statements({ tenant: T, scope, ...period }))._unsafeUnwrap()).toMatchObject({
      cache: 'miss',
      statements: [{ closingMinor: 7_500 }],
    })
    release?.()
    await finance.cacheIdle()
    expect((await finance.statements({ tenant: T, scope, ...period }))._unsafeUnwrap()).toMatchObject({
      cache: 'hit',
      statements: [{ closingMinor: 7_500 }],
    })
  })

  it('never serves a statement computed across a write that committed after its version was read', async () => {
    const store = createMemoryFinanceStore()
    let during: (() => Promise<unknown>) | undefined
    // The same store, with a payment committed between the version read and the statement query.
    const racing: FinanceStore = {
      ...store,
      statements: (tenant, query) => {
        const write = during
        during = undefined
        return ResultAsync.fromSafePromise(Promise.resolve(write?.())).andThen(() =>
          store.statements(tenant, query),
        )
      },
    }
    const finance = await setup(createMemoryStatementCache(), undefined, racing)
    during = async () =>
      await finance.syncBatch({
        tenant: T,
        entity: 'invoicePayment',
        records: [paymentRecord('p-1', { invoiceId: 'inv-1', amountMinor: 2_500 })],
      })
    const reads = []
    for (let i = 0; i < 3; i++) {
      reads.push((await finance.statements({ tenant: T, scope, ...period }))._unsafeUnwrap())
      await finance.cacheIdle()
    }
    expect(reads.map((r) => [r.cache, r.statements[0]?.closingMinor])).toEqual([
      ['miss', 7_500],
      ['miss', 7_500],
      ['hit', 7_500],
    ])
  })

  it('serves a GET made under a guessed version only when that version is still current', async () => {
    // Two processes over one store and one cache: B's payment moves the version A last saw.
    const store = createMemoryFinanceStore()
    const shared = createMemoryStatementCache()
    const a = await setup(shared, undefined, store)
    const b = createFinance({ store: createMemoryStore(), finance: store, cache: shared })
    expect((await a.statements({ tenant: T, scope, ...period }))._unsafeUnwrap().cache).toBe('miss')
    await a.cacheIdle()
    await b.syncBatch({
      tenant: T,
      entity: 'invoicePayment',
      records: [paymentRecord('p-1', { invoiceId: 'inv-1', amountMinor: 2_500 })],
    })
    expect((await b.statements({ tenant: T, scope, ...period }))._unsafeUnwrap().cache).toBe('miss')
    await b.cacheIdle()
    // A guesses the old version (cached: 10,000) but reads the new one and serves its entry.
    expect((await a.statements({ tenant: T, scope, ...period }))._unsafeUnwrap()).toMatchObject({
      cache: 'hit',
      statements: [{ closingMinor: 7_500 }],
    })
  })

  it('refuses a period whose from is after its to, and a malformed date, naming the field', async () => {
    const finance = await setup()
    const backwards = await finance.statements({ tenant: T, scope, from: '2026-02-01', to: '2026-01-01' })
    expect(backwards._unsafeUnwrapErr().message).toBe(
      'from: must not be after to (received from 2026-02-01, to 2026-01-01)',
    )
    const bad = await finance.statements({ tenant: T, scope, from: '2026-01-01', to: '2026-13-01' })
    expect(bad._unsafeUnwrapErr()).toMatchObject({
      reason: 'Invalid',
      message: 'to: expected a calendar date YYYY-MM-DD (received "2026-13-01")',
    })
  })

  it('uses the injected clock for the default asOf', async () => {
    const finance = await setup()
    const r = (
      await finance.statements({ tenant: T, scope, from: '2026-01-01', to: '2026-01-31' })
    )._unsafeUnwrap()
    expect(r.statements[0]?.asOf).toBe('2026-03-01')
    expect(r.statements[0]?.aging.days1to30).toBe(10_000)
  })
})

describe('finance statement cache, two processes', () => {
  it('serves every read the balance of every payment committed before it, for any interleaving (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('readA', 'readB', 'payA', 'payB', 'idleA', 'idleB'), { maxLength: 25 }),
        async (ops) => {
          // Two processes over one store and one cache, each with its own memo of versions and its own
          // background SETs (not awaited unless the step says so).
          const store = createMemoryFinanceStore()
          const shared = createMemoryStatementCache()
          const a = await setup(shared, undefined, store)
          const b = createFinance({ store: createMemoryStore(), finance: store, cache: shared })
          let paid = 0
          for (const [i, op] of ops.entries()) {
            const finance = op.endsWith('A') ? a : b
            if (op.startsWith('pay')) {
              const r = await finance.syncBatch({
                tenant: T,
                entity: 'invoicePayment',
                records: [paymentRecord(`p-${i}`, { invoiceId: 'inv-1', amountMinor: 100 })],
              })
              expect(r._unsafeUnwrap().counts.new).toBe(1)
              paid += 100
            } else if (op.startsWith('idle')) {
              await finance.cacheIdle()
            } else {
              const r = (await finance.statements({ tenant: T, scope, ...period }))._unsafeUnwrap()
              expect(r.statements[0]?.closingMinor).toBe(10_000 - paid)
            }
          }
        },
      ),
      { numRuns: 60 },
    )
  })
})

describe('finance logs', () => {
  it('writes one JSON line per statement and payment operation with the request id and latency', async () => {
    const lines: string[] = []
    const finance = await setup(undefined, lines)
    lines.length = 0
    await finance.syncBatch({
      tenant: T,
      entity: 'invoicePayment',
      records: [paymentRecord('p-1', { invoiceId: 'inv-1', amountMinor: 100 })],
      requestId: 'req-pay',
    })
    await finance.statements({ tenant: T, scope, ...period, requestId: 'req-stmt' })
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(parsed).toHaveLength(2)
    expect(parsed[0]).toMatchObject({
      message: 'finance sync',
      operation: 'sync',
      requestId: 'req-pay',
      entity: 'invoicePayment',
      counts: { new: 1 },
    })
    expect(parsed[1]).toMatchObject({
      message: 'finance statement',
      requestId: 'req-stmt',
      scope: 'student',
      id: 's-1',
      cache: 'miss',
      currencies: ['USD'],
    })
    for (const line of parsed) expect(typeof line.latencyMs).toBe('number')
  })
})

describe('finance.runMonthlyAccruals', () => {
  it('is idempotent per (contract, month): running a month again changes nothing', async () => {
    const finance = await setup()
    const contracts = [
      { id: 'c-1', start: '2026-01-16', end: '2026-03-15', amountMinor: 100_000, currency: 'USD' },
    ]
    const first = (
      await finance.runMonthlyAccruals({ tenant: T, month: '2026-02-01', contracts })
    )._unsafeUnwrap()
    expect(first.inserted).toEqual([
      { contractId: 'c-1', month: '2026-02-01', amountMinor: 47_457, currency: 'USD', days: 28 },
    ])
    const again = (
      await finance.runMonthlyAccruals({ tenant: T, month: '2026-02-01', contracts })
    )._unsafeUnwrap()
    expect(again).toEqual({ inserted: [], existing: first.inserted })
    const outside = (
      await finance.runMonthlyAccruals({ tenant: T, month: '2026-04-01', contracts })
    )._unsafeUnwrap()
    expect(outside).toEqual({ inserted: [], existing: [] })
    expect(
      (await finance.runMonthlyAccruals({ tenant: T, month: '2026-02-15', contracts }))._unsafeUnwrapErr()
        .reason,
    ).toBe('Invalid')
  })
})

describe('finance.syncBatch', () => {
  it('reports schema problems and invariant refusals per record without sinking the batch', async () => {
    const finance = await setup()
    const r = (
      await finance.syncBatch({
        tenant: T,
        entity: 'invoice',
        records: [
          {
            ...invoiceRecord('inv-2', { studentId: 's-1', totalMinor: 500 }),
            total: { minor: 400, currency: 'USD' },
          },
          invoiceRecord('inv-3', {
            studentId: 's-1',
            totalMinor: 500,
            issueDate: '2026-02-01',
            dueDate: '2026-01-01',
          }),
          { id: 'inv-4', number: 'X' },
          invoiceRecord('inv-5', { studentId: 's-1', totalMinor: 500 }),
        ],
      })
    )._unsafeUnwrap()
    expect(r.outcomes.map((o) => o.status)).toEqual(['INVALID', 'INVALID', 'INVALID', 'NEW'])
    expect(r.outcomes[0]).toMatchObject({
      issues: [{ rule: 'total_mismatch', path: 'total.minor', received: 400 }],
    })
    expect(r.outcomes[1]).toMatchObject({ issues: [{ rule: 'due_before_issue', path: 'dueDate' }] })
  })

  it('refuses an unknown entity', async () => {
    const finance = await setup()
    const r = await finance.syncBatch({ tenant: T, entity: 'refund' as never, records: [] })
    expect(r._unsafeUnwrapErr().message).toBe(
      'unknown finance entity "refund" (known: school, invoice, invoicePayment)',
    )
  })
})
