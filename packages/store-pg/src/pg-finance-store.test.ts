import { createMemoryStore, createSyncEngine } from '@edusync/core'
import type { Finance } from '@edusync/core/finance'
import { createFinance, createMemoryFinanceStore } from '@edusync/core/finance'
import { invoiceRecord, paymentRecord, schoolRecord, studentRecord } from '@edusync/core/testing'
import fc from 'fast-check'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { financeStoreFactory } from '../test/finance-fixtures.ts'
import { databaseUrl } from '../test/fixtures.ts'
import { createPgFinanceStore } from './pg-finance-store.ts'

const T = 'acme'

// Separate pools stand for separate processes: nothing in JavaScript serialises them, only Postgres.
describe('pg finance store on a PostgreSQL server', () => {
  const factory = financeStoreFactory('pg')
  afterEach(() => factory.teardown())
  afterAll(() => factory.dispose())

  async function processes(n: number) {
    const first = await factory.create()
    const schema = (first as { schema: string }).schema
    const store = createMemoryStore()
    await createSyncEngine({ store }).syncBatch({
      tenant: T,
      entity: 'student',
      records: [studentRecord('s-1')],
    })
    const finances: Finance[] = [createFinance({ store, finance: first })]
    const others = Array.from({ length: n - 1 }, () =>
      createPgFinanceStore({ connectionString: databaseUrl(), schema, poolSize: 1 }),
    )
    for (const other of others) finances.push(createFinance({ store, finance: other }))
    const [finance] = finances as [Finance]
    await finance.syncBatch({ tenant: T, entity: 'school', records: [schoolRecord('school-1')] })
    await finance.syncBatch({
      tenant: T,
      entity: 'invoice',
      records: [invoiceRecord('inv-1', { studentId: 's-1', totalMinor: 10_000 })],
    })
    return { finances, first, close: () => Promise.all(others.map((o) => o.close())) }
  }

  it('accepts exactly one of two concurrent payments that would overpay together (5 rounds)', async () => {
    for (let round = 0; round < 5; round++) {
      const { finances, first, close } = await processes(2)
      const results = await Promise.all(
        finances.map((f, i) =>
          f.syncBatch({
            tenant: T,
            entity: 'invoicePayment',
            records: [paymentRecord(`p-${i}`, { invoiceId: 'inv-1', amountMinor: 6_000 })],
          }),
        ),
      )
      const statuses = results.map((r) => r._unsafeUnwrap().outcomes[0]?.status).sort()
      expect(statuses).toEqual(['INVALID', 'NEW'])
      expect((await first.invoiceBalances(T, ['inv-1']))._unsafeUnwrap().get('inv-1')?.paidMinor).toBe(6_000)
      await close()
      await factory.teardown()
    }
  })

  it('lets exactly as many of eight concurrent payments through as the invoice holds', async () => {
    const { finances, first, close } = await processes(8)
    const results = await Promise.all(
      finances.map((f, i) =>
        f.syncBatch({
          tenant: T,
          entity: 'invoicePayment',
          records: [paymentRecord(`p-${i}`, { invoiceId: 'inv-1', amountMinor: 3_000 })],
        }),
      ),
    )
    const accepted = results.filter((r) => r._unsafeUnwrap().outcomes[0]?.status === 'NEW')
    expect(accepted).toHaveLength(3)
    expect((await first.invoiceBalances(T, ['inv-1']))._unsafeUnwrap().get('inv-1')?.paidMinor).toBe(9_000)
    await close()
  })

  it('rolls back a batch whose decision throws, and says so as Invalid', async () => {
    const store = await factory.create()
    const r = await store.applyFinanceBatch(
      T,
      { entity: 'school', ids: ['x'], schoolIds: [], invoiceIds: [], paymentIds: [], studentIds: [] },
      () => {
        throw new Error('boom')
      },
    )
    expect(r._unsafeUnwrapErr()).toMatchObject({
      reason: 'Invalid',
      message: 'applyFinanceBatch: decide threw: Error: boom',
    })
    expect((await store.readFinanceRecords(T, 'school', ['x']))._unsafeUnwrap().size).toBe(0)
  })
})

// Property: for any ledger, the one-query Postgres statement equals the memory Store's, line for line, and
// so do the aggregate-only summaries.
describe('pg statements against the memory FinanceStore', () => {
  const factory = financeStoreFactory('pg')
  afterAll(() => factory.dispose())

  it('are identical for any mix of invoices, payments and reversals, periods and aging dates', async () => {
    const pgStore = await factory.create()
    const students = createMemoryStore()
    const day = (n: number) => new Date(Date.UTC(2025, 6, 1) + n * 86_400_000).toISOString().slice(0, 10)
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            student: fc.integer({ min: 0, max: 2 }),
            issued: fc.integer({ min: 0, max: 400 }),
            term: fc.integer({ min: 0, max: 100 }),
            total: fc.integer({ min: 1, max: 5_000_000 }),
            currency: fc.constantFrom('USD', 'EUR', 'JPY'),
            payments: fc.array(
              fc.record({
                after: fc.integer({ min: -5, max: 200 }),
                part: fc.integer({ min: 1, max: 4 }),
                reverse: fc.boolean(),
              }),
              { maxLength: 3 },
            ),
          }),
          { maxLength: 12 },
        ),
        fc.tuple(
          fc.integer({ min: 0, max: 500 }),
          fc.integer({ min: 0, max: 300 }),
          fc.integer({ min: 0, max: 600 }),
        ),
        async (specs, [from, length, asOf]) => {
          const tenant = `prop-${run++}`
          const memory = createMemoryFinanceStore()
          const invoices = specs.map((s, i) =>
            invoiceRecord(`inv-${i}`, {
              studentId: `s-${s.student}`,
              totalMinor: s.total,
              currency: s.currency,
              issueDate: day(s.issued),
              dueDate: day(s.issued + s.term),
            }),
          )
          const payments = specs.flatMap((s, i) =>
            s.payments.flatMap((p, k) => {
              const amountMinor = Math.max(1, Math.floor((s.total * p.part) / 8))
              const pay = paymentRecord(`p-${i}-${k}`, {
                invoiceId: `inv-${i}`,
                amountMinor,
                currency: s.currency,
                paidOn: day(Math.max(0, s.issued + p.after)),
              })
              const reversal = paymentRecord(`r-${i}-${k}`, {
                invoiceId: `inv-${i}`,
                amountMinor,
                currency: s.currency,
                paidOn: day(Math.max(0, s.issued + p.after + 3)),
                reverses: pay.id,
              })
              return p.reverse ? [pay, reversal] : [pay]
            }),
          )
          await createSyncEngine({ store: students }).syncBatch({
            tenant,
            entity: 'student',
            records: [0, 1, 2].map((n) => studentRecord(`s-${n}`)),
          })
          for (const financeStore of [pgStore, memory]) {
            const finance = createFinance({ store: students, finance: financeStore })
            await finance.syncBatch({ tenant, entity: 'school', records: [schoolRecord('school-1')] })
            await finance.syncBatch({ tenant, entity: 'invoice', records: invoices })
            await finance.syncBatch({ tenant, entity: 'invoicePayment', records: payments })
          }
          const query = { from: day(from), to: day(from + length), asOf: day(asOf) }
          for (const scope of [
            { kind: 'school', id: 'school-1' },
            { kind: 'student', id: 's-0' },
            { kind: 'student', id: 's-1' },
          ] as const) {
            const fromPg = (await pgStore.statements(tenant, { scope, ...query }))._unsafeUnwrap()
            const fromMemory = (await memory.statements(tenant, { scope, ...query }))._unsafeUnwrap()
            expect(fromPg).toEqual(fromMemory)
            const summaryPg = (await pgStore.statementSummaries(tenant, { scope, ...query }))._unsafeUnwrap()
            const summaryMemory = (
              await memory.statementSummaries(tenant, { scope, ...query })
            )._unsafeUnwrap()
            expect(summaryPg).toEqual(summaryMemory)
          }
        },
      ),
      { numRuns: 25 },
    )
  })
})
