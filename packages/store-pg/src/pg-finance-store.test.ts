import { createMemoryStore, createSyncEngine } from '@edusync/core'
import type { Finance } from '@edusync/core/finance'
import { createFinance } from '@edusync/core/finance'
import { invoiceRecord, paymentRecord, schoolRecord, studentRecord } from '@edusync/core/testing'
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
