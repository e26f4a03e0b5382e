import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Finance } from '../finance/finance-service.ts'
import { createFinance } from '../finance/finance-service.ts'
import type { FinanceStore, StatementScope } from '../finance/finance-store.ts'
import type { LedgerInvoice, LedgerPayment, StatementQuery } from '../finance/statement.ts'
import { buildStatements } from '../finance/statement.ts'
import { buildStatementSummaries } from '../finance/statement-summary.ts'
import { createMemoryStore } from '../store/memory-store.ts'
import type { Store } from '../store/store.ts'
import { createSyncEngine } from '../sync/sync-engine.ts'
import { T1, T2 } from './conformance-data.ts'
import { invoiceRecord, paymentRecord, schoolRecord, seededRandom, studentRecord } from './finance-data.ts'

/** Options of {@link describeFinanceStoreConformance}. */
export interface FinanceStoreConformanceOptions {
  /** Creates a fresh, empty FinanceStore (called before every test). */
  readonly create: () => Promise<FinanceStore>
  /** Cleans up after each test (the suite closes the store first). */
  readonly teardown?: (store: FinanceStore) => Promise<void>
}

/**
 * The shared conformance suite every {@link FinanceStore} must pass unmodified: decisions under lock,
 * versions, statements identical to {@link buildStatements}, accruals, parking and tenant isolation.
 *
 * @example
 * ```ts
 * import { describeFinanceStoreConformance } from '@edusync/core/testing'
 * describeFinanceStoreConformance('memory', { create: async () => createMemoryFinanceStore() })
 * ```
 */
export function describeFinanceStoreConformance(name: string, options: FinanceStoreConformanceOptions): void {
  describe(`FinanceStore conformance: ${name}`, () => {
    let financeStore: FinanceStore
    let store: Store
    let finance: Finance

    beforeEach(async () => {
      financeStore = await options.create()
      store = createMemoryStore()
      finance = createFinance({ store, finance: financeStore, now: () => new Date('2026-03-01T12:00:00Z') })
    })
    afterEach(async () => {
      await financeStore.close()
      await store.close()
      await options.teardown?.(financeStore)
    })

    const students = async (tenant: string, ids: string[]) => {
      const engine = createSyncEngine({ store })
      ;(
        await engine.syncBatch({ tenant, entity: 'student', records: ids.map(studentRecord) })
      )._unsafeUnwrap()
    }
    const sync = async (
      tenant: string,
      entity: 'school' | 'invoice' | 'invoicePayment',
      records: unknown[],
    ) => (await finance.syncBatch({ tenant, entity, records }))._unsafeUnwrap()
    const setup = async (tenant = T1) => {
      await students(tenant, ['s-1', 's-2'])
      await sync(tenant, 'school', [schoolRecord('school-1')])
      await sync(tenant, 'invoice', [invoiceRecord('inv-1', { studentId: 's-1', totalMinor: 10_000 })])
    }

    it('applyFinanceBatch stores invoices NEW, then UNCHANGED, then UPDATED', async () => {
      await setup()
      const again = await sync(T1, 'invoice', [
        invoiceRecord('inv-1', { studentId: 's-1', totalMinor: 10_000 }),
      ])
      expect(again.outcomes.map((o) => o.status)).toEqual(['UNCHANGED'])
      const changed = await sync(T1, 'invoice', [
        invoiceRecord('inv-1', { studentId: 's-1', totalMinor: 12_000, dueDate: '2026-03-05' }),
      ])
      expect(changed.outcomes[0]).toMatchObject({
        status: 'UPDATED',
        changedFields: ['dueDate', 'lines', 'total'],
      })
      const balances = (await financeStore.invoiceBalances(T1, ['inv-1', 'nope']))._unsafeUnwrap()
      expect([...balances.keys()]).toEqual(['inv-1'])
      expect(balances.get('inv-1')).toMatchObject({
        totalMinor: 12_000,
        paidMinor: 0,
        currency: 'USD',
        studentId: 's-1',
      })
    })

    it('applyFinanceBatch defers an invoice until its school exists, then replays it', async () => {
      await students(T1, ['s-1'])
      const first = await sync(T1, 'invoice', [invoiceRecord('inv-1', { studentId: 's-1', totalMinor: 500 })])
      expect(first.outcomes[0]).toMatchObject({
        status: 'DEFERRED',
        waitingFor: [{ entity: 'school', id: 'school-1' }],
      })
      expect((await financeStore.listParked(T1))._unsafeUnwrap().map((p) => p.id)).toEqual(['inv-1'])
      const school = await sync(T1, 'school', [schoolRecord('school-1')])
      expect(school.replayed.map((o) => [o.id, o.status])).toEqual([['inv-1', 'NEW']])
      expect((await financeStore.listParked(T1))._unsafeUnwrap()).toEqual([])
    })

    it('applyFinanceBatch defers an invoice whose student is missing until replayParked finds it', async () => {
      await sync(T1, 'school', [schoolRecord('school-1')])
      const first = await sync(T1, 'invoice', [invoiceRecord('inv-1', { studentId: 's-9', totalMinor: 500 })])
      expect(first.outcomes[0]).toMatchObject({
        status: 'DEFERRED',
        waitingFor: [{ entity: 'student', id: 's-9' }],
      })
      expect((await finance.replayParked(T1))._unsafeUnwrap().map((o) => o.status)).toEqual(['DEFERRED'])
      await students(T1, ['s-9'])
      expect((await finance.replayParked(T1))._unsafeUnwrap().map((o) => o.status)).toEqual(['NEW'])
    })

    it('applyFinanceBatch moves an invoice PENDING -> PARTIALLY_PAID -> PAID and OVERDUE by the clock', async () => {
      await setup()
      const state = async (asOf: string) =>
        (await finance.invoiceStates(T1, ['inv-1'], { asOf }))._unsafeUnwrap().get('inv-1')
      expect(await state('2026-02-05')).toMatchObject({ status: 'PENDING', label: 'PENDING', overdue: false })
      expect(await state('2026-02-06')).toMatchObject({ status: 'PENDING', label: 'OVERDUE', daysOverdue: 1 })
      await sync(T1, 'invoicePayment', [paymentRecord('p-1', { invoiceId: 'inv-1', amountMinor: 4_000 })])
      expect(await state('2026-01-21')).toMatchObject({ status: 'PARTIALLY_PAID', remainingMinor: 6_000 })
      await sync(T1, 'invoicePayment', [paymentRecord('p-2', { invoiceId: 'inv-1', amountMinor: 6_000 })])
      expect(await state('2026-12-31')).toMatchObject({
        status: 'PAID',
        label: 'PAID',
        overdue: false,
        remainingMinor: 0,
      })
      // The injected clock (2026-03-01) is the default asOf.
      await sync(T1, 'invoice', [
        invoiceRecord('inv-2', { studentId: 's-1', totalMinor: 100, dueDate: '2026-02-27' }),
      ])
      expect((await finance.invoiceStates(T1, ['inv-2']))._unsafeUnwrap().get('inv-2')).toMatchObject({
        label: 'OVERDUE',
        daysOverdue: 2,
      })
    })

    it('applyFinanceBatch refuses an overpayment, naming both amounts and the currency', async () => {
      await setup()
      await sync(T1, 'invoicePayment', [paymentRecord('p-1', { invoiceId: 'inv-1', amountMinor: 9_000 })])
      const over = await sync(T1, 'invoicePayment', [
        paymentRecord('p-2', { invoiceId: 'inv-1', amountMinor: 1_001 }),
      ])
      expect(over.outcomes[0]).toMatchObject({ status: 'INVALID', id: 'p-2' })
      const outcome = over.outcomes[0] as unknown as {
        issues: { rule: string; message: string; received: unknown }[]
      }
      expect(outcome.issues[0]).toMatchObject({ rule: 'overpayment', path: 'amount.minor', received: 1_001 })
      expect(outcome.issues[0]?.message).toBe(
        'payment of 10.01 USD exceeds the 10.00 USD remaining on invoice INV-inv-1 (total 100.00 USD, paid 90.00 USD)',
      )
    })

    it('applyFinanceBatch lets two payments of one batch not overpay together', async () => {
      await setup()
      const both = await sync(T1, 'invoicePayment', [
        paymentRecord('p-1', { invoiceId: 'inv-1', amountMinor: 6_000 }),
        paymentRecord('p-2', { invoiceId: 'inv-1', amountMinor: 6_000 }),
      ])
      expect(both.outcomes.map((o) => o.status)).toEqual(['NEW', 'INVALID'])
    })

    it('applyFinanceBatch serialises concurrent payments: exactly one of two that would overpay together is accepted', async () => {
      await setup()
      const other = createFinance({ store, finance: financeStore })
      const [a, b] = await Promise.all([
        finance.syncBatch({
          tenant: T1,
          entity: 'invoicePayment',
          records: [paymentRecord('p-a', { invoiceId: 'inv-1', amountMinor: 7_000 })],
        }),
        other.syncBatch({
          tenant: T1,
          entity: 'invoicePayment',
          records: [paymentRecord('p-b', { invoiceId: 'inv-1', amountMinor: 7_000 })],
        }),
      ])
      const statuses = [a._unsafeUnwrap().outcomes[0]?.status, b._unsafeUnwrap().outcomes[0]?.status].sort()
      expect(statuses).toEqual(['INVALID', 'NEW'])
      expect(
        (await financeStore.invoiceBalances(T1, ['inv-1']))._unsafeUnwrap().get('inv-1')?.paidMinor,
      ).toBe(7_000)
    })

    it('applyFinanceBatch refuses a payment in another currency than its invoice', async () => {
      await setup()
      const r = await sync(T1, 'invoicePayment', [
        paymentRecord('p-1', { invoiceId: 'inv-1', amountMinor: 100, currency: 'EUR' }),
      ])
      expect(r.outcomes[0]).toMatchObject({
        status: 'INVALID',
        issues: [
          {
            rule: 'currency_mismatch',
            message: "payment currency EUR differs from invoice INV-inv-1's currency USD",
          },
        ],
      })
    })

    it('applyFinanceBatch keeps payments immutable and corrects them by reversal', async () => {
      await setup()
      await sync(T1, 'invoicePayment', [paymentRecord('p-1', { invoiceId: 'inv-1', amountMinor: 10_000 })])
      const changed = await sync(T1, 'invoicePayment', [
        paymentRecord('p-1', { invoiceId: 'inv-1', amountMinor: 9_000 }),
      ])
      expect(changed.outcomes[0]).toMatchObject({ status: 'INVALID', issues: [{ rule: 'immutable' }] })
      const same = await sync(T1, 'invoicePayment', [
        paymentRecord('p-1', { invoiceId: 'inv-1', amountMinor: 10_000 }),
      ])
      expect(same.outcomes[0]?.status).toBe('UNCHANGED')
      const reversal = await sync(T1, 'invoicePayment', [
        paymentRecord('r-1', { invoiceId: 'inv-1', amountMinor: 10_000, reverses: 'p-1' }),
        paymentRecord('p-2', { invoiceId: 'inv-1', amountMinor: 9_000 }),
      ])
      expect(reversal.outcomes.map((o) => o.status)).toEqual(['NEW', 'NEW'])
      const twice = await sync(T1, 'invoicePayment', [
        paymentRecord('r-2', { invoiceId: 'inv-1', amountMinor: 10_000, reverses: 'p-1' }),
      ])
      expect(twice.outcomes[0]).toMatchObject({ status: 'INVALID', issues: [{ rule: 'already_reversed' }] })
      expect(
        (await financeStore.invoiceBalances(T1, ['inv-1']))._unsafeUnwrap().get('inv-1')?.paidMinor,
      ).toBe(9_000)
    })

    it('applyFinanceBatch refuses an invoice total below what was paid, and a change of student', async () => {
      await setup()
      await sync(T1, 'invoicePayment', [paymentRecord('p-1', { invoiceId: 'inv-1', amountMinor: 8_000 })])
      const lower = await sync(T1, 'invoice', [
        invoiceRecord('inv-1', { studentId: 's-2', totalMinor: 7_000 }),
      ])
      const rules = (lower.outcomes[0] as unknown as { issues: { rule: string }[] }).issues.map((i) => i.rule)
      expect(rules).toEqual(['immutable_field', 'total_below_paid'])
    })

    it('applyFinanceBatch keeps a student in one school', async () => {
      await setup()
      await sync(T1, 'school', [schoolRecord('school-2')])
      const r = await sync(T1, 'invoice', [
        invoiceRecord('inv-2', { schoolId: 'school-2', studentId: 's-1', totalMinor: 100 }),
      ])
      expect(r.outcomes[0]).toMatchObject({
        status: 'INVALID',
        issues: [{ rule: 'student_school', path: 'schoolId' }],
      })
    })

    it('studentsWithInvoices backs the refusal to hard-delete a student with invoices', async () => {
      await setup()
      expect([...(await financeStore.studentsWithInvoices(T1, ['s-1', 's-2']))._unsafeUnwrap()]).toEqual([
        's-1',
      ])
      const refused = await finance.assertStudentsDeletable(T1, ['s-1', 's-2'])
      expect(refused._unsafeUnwrapErr().reason).toBe('StudentHasInvoices')
      expect(refused._unsafeUnwrapErr().message).toBe(
        'cannot hard-delete student "s-1": invoices reference them and statements must stay reproducible; mark them inactive (soft delete) instead',
      )
      expect((await finance.assertStudentsDeletable(T1, ['s-2'])).isOk()).toBe(true)
    })

    it('openInvoices lists the unpaid and partially paid invoices of students, a reversal reopening one', async () => {
      await setup()
      await sync(T1, 'invoice', [
        invoiceRecord('inv-2', { studentId: 's-1', totalMinor: 3_000 }),
        invoiceRecord('inv-3', { studentId: 's-2', totalMinor: 700 }),
      ])
      await sync(T1, 'invoicePayment', [
        paymentRecord('pay-1', { invoiceId: 'inv-1', amountMinor: 4_000 }),
        paymentRecord('pay-2', { invoiceId: 'inv-2', amountMinor: 3_000 }),
      ])
      const open = async (ids: string[]) =>
        (await financeStore.openInvoices(T1, ids))
          ._unsafeUnwrap()
          .map((b) => [b.studentId, b.id, b.paidMinor])
      expect(await open(['s-2', 's-1', 's-9'])).toEqual([
        ['s-1', 'inv-1', 4_000],
        ['s-2', 'inv-3', 0],
      ])
      await sync(T1, 'invoicePayment', [
        paymentRecord('rev-2', { invoiceId: 'inv-2', amountMinor: 3_000, reverses: 'pay-2' }),
      ])
      expect(await open(['s-1'])).toEqual([
        ['s-1', 'inv-1', 4_000],
        ['s-1', 'inv-2', 0],
      ])
      expect((await financeStore.openInvoices(T2, ['s-1']))._unsafeUnwrap()).toEqual([])
    })

    it('engine.deleteBatch refuses a student with open invoices, naming them, and deletes it once they are paid', async () => {
      await setup()
      await sync(T1, 'invoice', [
        invoiceRecord('inv-2', { studentId: 's-1', totalMinor: 2_550, number: 'INV-0002' }),
      ])
      await sync(T1, 'invoicePayment', [paymentRecord('pay-1', { invoiceId: 'inv-1', amountMinor: 4_000 })])
      const engine = createSyncEngine({ store, extensions: [finance.engineExtension], deletionGuard: false })
      const del = async (ids: string[]) =>
        (
          await engine.deleteBatch({ tenant: T1, entity: 'student', ids, source: 'admin', reason: 'left' })
        )._unsafeUnwrap()
      const refused = await del(['s-1', 's-2'])
      expect(refused.outcomes.map((o) => o.status)).toEqual(['INVALID', 'DELETED'])
      expect(refused.outcomes[0]).toMatchObject({
        id: 's-1',
        issues: [{ path: 'id', rule: 'has_open_invoices', received: 's-1' }],
        message:
          'student s-1 has 2 open invoices: INV-inv-1 (id inv-1: 60.00 USD of 100.00 USD unpaid), INV-0002 (id inv-2: 25.50 USD of 25.50 USD unpaid); record their payments (or lower the totals to what was paid) before deleting the student; a student whose invoices are all paid may be deleted (the tombstone keeps its data for statements)',
      })
      expect((await store.readFingerprints(T1, 'student', ['s-1']))._unsafeUnwrap().has('s-1')).toBe(true)
      await sync(T1, 'invoicePayment', [
        paymentRecord('pay-2', { invoiceId: 'inv-1', amountMinor: 6_000 }),
        paymentRecord('pay-3', { invoiceId: 'inv-2', amountMinor: 2_550 }),
      ])
      const deleted = await del(['s-1'])
      expect(deleted.outcomes.map((o) => o.status)).toEqual(['DELETED'])
      expect((await store.readFingerprints(T1, 'student', ['s-1']))._unsafeUnwrap().size).toBe(0)
    })

    it('engine.syncBatch of students replays the invoices parked for them and the payments parked behind those', async () => {
      await sync(T1, 'school', [schoolRecord('school-1')])
      const invoice = await sync(T1, 'invoice', [
        invoiceRecord('inv-1', { studentId: 's-7', totalMinor: 900 }),
      ])
      expect(invoice.outcomes[0]).toMatchObject({
        status: 'DEFERRED',
        waitingFor: [{ entity: 'student', id: 's-7' }],
      })
      const payment = await sync(T1, 'invoicePayment', [
        paymentRecord('pay-1', { invoiceId: 'inv-1', amountMinor: 900 }),
      ])
      expect(payment.outcomes[0]).toMatchObject({
        status: 'DEFERRED',
        waitingFor: [{ entity: 'invoice', id: 'inv-1' }],
      })
      const engine = createSyncEngine({ store, extensions: [finance.engineExtension] })
      const result = (
        await engine.syncBatch({ tenant: T1, entity: 'student', records: [studentRecord('s-7')] })
      )._unsafeUnwrap()
      expect(result.replayed.map((o) => [o.entity, o.id, o.status])).toEqual([
        ['invoice', 'inv-1', 'NEW'],
        ['invoicePayment', 'pay-1', 'NEW'],
      ])
      expect(result.replayedCounts).toMatchObject({ total: 2, new: 2 })
      expect((await financeStore.listParked(T1))._unsafeUnwrap()).toEqual([])
      expect(
        (await financeStore.invoiceBalances(T1, ['inv-1']))._unsafeUnwrap().get('inv-1')?.paidMinor,
      ).toBe(900)
    })

    it('engine.replayParked replays parked finance records whose student arrived by another path', async () => {
      await sync(T1, 'school', [schoolRecord('school-1')])
      await sync(T1, 'invoice', [invoiceRecord('inv-1', { studentId: 's-8', totalMinor: 900 })])
      await sync(T1, 'invoicePayment', [paymentRecord('pay-1', { invoiceId: 'inv-1', amountMinor: 400 })])
      await students(T1, ['s-8']) // an engine without the extension: nothing replays yet
      expect((await financeStore.listParked(T1))._unsafeUnwrap().map((p) => p.id)).toEqual(['inv-1', 'pay-1'])
      const engine = createSyncEngine({ store, extensions: [finance.engineExtension] })
      expect((await engine.replayParked(T1, { entity: 'student' }))._unsafeUnwrap()).toEqual([])
      const replayed = (await engine.replayParked(T1))._unsafeUnwrap()
      expect(replayed.map((o) => [o.id, o.status])).toEqual([
        ['inv-1', 'NEW'],
        ['pay-1', 'NEW'],
      ])
      expect((await financeStore.listParked(T1))._unsafeUnwrap()).toEqual([])
      expect((await engine.replayParked(T1, { entity: 'invoice' }))._unsafeUnwrap()).toEqual([])
    })

    it('statementVersions moves with every write that changes a statement, and only then', async () => {
      await setup()
      const scopes = [
        { kind: 'student', id: 's-1' },
        { kind: 'school', id: 'school-1' },
        { kind: 'student', id: 's-2' },
      ] as const
      const before = (await financeStore.statementVersions(T1, scopes))._unsafeUnwrap()
      expect(before[2]).toBe(0)
      await sync(T1, 'invoicePayment', [paymentRecord('p-1', { invoiceId: 'inv-1', amountMinor: 100 })])
      const after = (await financeStore.statementVersions(T1, scopes))._unsafeUnwrap()
      expect(after[0]).toBeGreaterThan(before[0] as number)
      expect(after[1]).toBeGreaterThan(before[1] as number)
      expect(after[2]).toBe(0)
      await sync(T1, 'invoicePayment', [paymentRecord('p-1', { invoiceId: 'inv-1', amountMinor: 100 })])
      expect((await financeStore.statementVersions(T1, scopes))._unsafeUnwrap()).toEqual(after)
      expect((await financeStore.statementVersions(T2, scopes))._unsafeUnwrap()).toEqual([0, 0, 0])
    })

    it('statements equal the reference computation for a generated ledger (students and school)', async () => {
      const random = seededRandom(20260301)
      const studentIds = Array.from({ length: 6 }, (_, i) => `s-${i}`)
      await students(T1, studentIds)
      await sync(T1, 'school', [schoolRecord('school-1')])
      const day = (n: number) => new Date(Date.UTC(2025, 10, 1) + n * 86_400_000).toISOString().slice(0, 10)
      const invoices: ReturnType<typeof invoiceRecord>[] = []
      const payments: ReturnType<typeof paymentRecord>[] = []
      for (let i = 0; i < 40; i++) {
        const issued = Math.floor(random() * 200)
        const total = 1 + Math.floor(random() * 500_000)
        const currency = random() < 0.2 ? 'EUR' : 'USD'
        invoices.push(
          invoiceRecord(`inv-${i}`, {
            studentId: studentIds[i % 6] as string,
            totalMinor: total,
            currency,
            issueDate: day(issued),
            dueDate: day(issued + Math.floor(random() * 60)),
          }),
        )
        let left = total
        for (let k = 0; k < 3 && left > 0; k++) {
          if (random() < 0.3) continue
          const amount = 1 + Math.floor(random() * left)
          left -= amount
          payments.push(
            paymentRecord(`pay-${i}-${k}`, {
              invoiceId: `inv-${i}`,
              amountMinor: amount,
              currency,
              paidOn: day(issued + Math.floor(random() * 150)),
            }),
          )
        }
      }
      await sync(T1, 'invoice', invoices)
      await sync(T1, 'invoicePayment', payments)
      await sync(T1, 'invoicePayment', [
        paymentRecord('rev-1', {
          ...payments[0]!,
          amountMinor: payments[0]!.amount.minor,
          currency: payments[0]!.amount.currency,
          reverses: payments[0]!.id,
          paidOn: day(190),
        }),
      ])
      const ledgerInvoices: LedgerInvoice[] = invoices.map((i) => ({
        id: i.id,
        number: i.number,
        schoolId: i.schoolId,
        studentId: i.studentId,
        currency: i.currency,
        issueDate: i.issueDate,
        dueDate: i.dueDate,
        totalMinor: i.total.minor,
      }))
      const ledgerPayments: LedgerPayment[] = [
        ...payments.map((p) => ({
          id: p.id,
          invoiceId: p.invoiceId,
          currency: p.amount.currency,
          paidOn: p.paidOn,
          amountMinor: p.amount.minor,
          reverses: null,
        })),
        {
          id: 'rev-1',
          invoiceId: payments[0]!.invoiceId,
          currency: payments[0]!.amount.currency,
          paidOn: day(190),
          amountMinor: payments[0]!.amount.minor,
          reverses: payments[0]!.id,
        },
      ]
      let compared = 0
      let summarized = 0
      const periods = [
        [day(0), day(400), day(100)],
        [day(30), day(90), day(250)],
        [day(60), day(60), day(60)],
        [day(500), day(600), day(10)],
      ] as const
      for (const [from, to, asOf] of periods) {
        const scopes: StatementScope[] = [
          { kind: 'school', id: 'school-1' },
          ...studentIds.map((id) => ({ kind: 'student' as const, id })),
        ]
        for (const scope of scopes) {
          const query: StatementQuery = { scope, from, to, asOf }
          const mine = ledgerInvoices.filter(
            (i) => (scope.kind === 'school' ? i.schoolId : i.studentId) === scope.id,
          )
          const expected = buildStatements(query, mine, ledgerPayments)
          expect((await financeStore.statements(T1, query))._unsafeUnwrap()).toEqual(expected)
          compared += expected.reduce((n, st) => n + st.lines.length + 1, 0)
          // The summaries: equal to the reference, and to the full statements' opening, closing and aging.
          const summaries = (await financeStore.statementSummaries(T1, query))._unsafeUnwrap()
          expect(summaries).toEqual(buildStatementSummaries(query, mine, ledgerPayments))
          expect(summaries.map((x) => [x.currency, x.openingMinor, x.closingMinor, x.aging])).toEqual(
            expected.map((x) => [x.currency, x.openingMinor, x.closingMinor, x.aging]),
          )
          summarized += summaries.reduce((n, x) => n + x.students.length, 0)
        }
      }
      expect(summarized).toBeGreaterThan(40)
      // The ledger is not trivial: many lines were compared, in both currencies.
      expect(compared).toBeGreaterThan(200)
      expect(
        (
          await financeStore.statements(T2, {
            scope: { kind: 'school', id: 'school-1' },
            from: day(0),
            to: day(400),
            asOf: day(0),
          })
        )._unsafeUnwrap(),
      ).toEqual([])
      expect(
        (
          await financeStore.statementSummaries(T2, {
            scope: { kind: 'school', id: 'school-1' },
            from: day(0),
            to: day(400),
            asOf: day(0),
          })
        )._unsafeUnwrap(),
      ).toEqual([])
    })

    it('recordAccruals is idempotent per (contract, month)', async () => {
      const jan = { contractId: 'c-1', month: '2026-01-01', amountMinor: 100, currency: 'USD', days: 31 }
      const feb = { contractId: 'c-1', month: '2026-02-01', amountMinor: 90, currency: 'USD', days: 28 }
      expect((await financeStore.recordAccruals(T1, [jan]))._unsafeUnwrap()).toEqual({
        inserted: [jan],
        existing: [],
      })
      const again = (await financeStore.recordAccruals(T1, [{ ...jan, amountMinor: 5 }, feb]))._unsafeUnwrap()
      expect(again).toEqual({ inserted: [feb], existing: [jan] })
      expect((await financeStore.listAccruals(T1))._unsafeUnwrap()).toEqual([jan, feb])
      expect((await financeStore.listAccruals(T2))._unsafeUnwrap()).toEqual([])
    })

    it('applyFinanceBatch keeps tenants apart', async () => {
      await setup(T1)
      const r = await sync(T2, 'invoicePayment', [
        paymentRecord('p-1', { invoiceId: 'inv-1', amountMinor: 1 }),
      ])
      expect(r.outcomes[0]?.status).toBe('DEFERRED')
      expect((await financeStore.readFinanceRecords(T2, 'invoice', ['inv-1']))._unsafeUnwrap().size).toBe(0)
      expect((await financeStore.readFinanceRecords(T1, 'invoice', ['inv-1']))._unsafeUnwrap().size).toBe(1)
      expect(
        (await financeStore.parkedWaitingFor(T1, [{ entity: 'invoice', id: 'inv-1' }]))._unsafeUnwrap(),
      ).toEqual([])
      expect(
        (await financeStore.parkedWaitingFor(T2, [{ entity: 'invoice', id: 'inv-1' }]))
          ._unsafeUnwrap()
          .map((p) => p.id),
      ).toEqual(['p-1'])
    })

    it('close makes every method return Unavailable', async () => {
      await financeStore.close()
      const r = await financeStore.statementVersions(T1, [{ kind: 'student', id: 's-1' }])
      expect(r._unsafeUnwrapErr().reason).toBe('Unavailable')
    })
  })
}
