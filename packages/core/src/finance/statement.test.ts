import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { LedgerInvoice, LedgerPayment } from './statement.ts'
import { agingBucket, buildStatements } from './statement.ts'
import { buildStatementSummaries } from './statement-summary.ts'

const day = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * 86_400_000).toISOString().slice(0, 10)

// Any mix of invoices (two currencies) and payments, reversals included, dates spread over ~2 years.
const ledger = fc
  .array(
    fc.record({
      issued: fc.integer({ min: 0, max: 700 }),
      term: fc.integer({ min: 0, max: 120 }),
      total: fc.integer({ min: 1, max: 10_000_000 }),
      currency: fc.constantFrom('USD', 'EUR'),
      payments: fc.array(
        fc.record({
          after: fc.integer({ min: -10, max: 300 }),
          share: fc.integer({ min: 1, max: 100 }),
          reversed: fc.boolean(),
        }),
        { maxLength: 4 },
      ),
    }),
    { maxLength: 25 },
  )
  .map((specs) => {
    const invoices: LedgerInvoice[] = []
    const payments: LedgerPayment[] = []
    specs.forEach((spec, i) => {
      invoices.push({
        id: `inv-${i}`,
        number: `N${i}`,
        schoolId: 'sch',
        studentId: `s-${i % 3}`,
        currency: spec.currency,
        issueDate: day(spec.issued),
        dueDate: day(spec.issued + spec.term),
        totalMinor: spec.total,
      })
      spec.payments.forEach((p, k) => {
        const amount = Math.max(1, Math.floor((spec.total * p.share) / 400))
        payments.push({
          id: `p-${i}-${k}`,
          invoiceId: `inv-${i}`,
          currency: spec.currency,
          paidOn: day(Math.max(0, spec.issued + p.after)),
          amountMinor: amount,
          reverses: null,
        })
        if (p.reversed)
          payments.push({
            id: `r-${i}-${k}`,
            invoiceId: `inv-${i}`,
            currency: spec.currency,
            paidOn: day(Math.max(0, spec.issued + p.after + 5)),
            amountMinor: amount,
            reverses: `p-${i}-${k}`,
          })
      })
    })
    return { invoices, payments }
  })
const period = fc.tuple(
  fc.integer({ min: 0, max: 800 }),
  fc.integer({ min: 0, max: 400 }),
  fc.integer({ min: 0, max: 800 }),
)

describe('buildStatements', () => {
  it('has closing = opening + the sum of the lines, and each balance is the running sum, for any ledger', () => {
    fc.assert(
      fc.property(ledger, period, ({ invoices, payments }, [from, length, asOf]) => {
        const query = {
          scope: { kind: 'school', id: 'sch' } as const,
          from: day(from),
          to: day(from + length),
          asOf: day(asOf),
        }
        for (const s of buildStatements(query, invoices, payments)) {
          let running = s.openingMinor
          for (const line of s.lines) {
            running += line.amountMinor
            expect(line.balanceMinor).toBe(running)
            expect(line.date >= query.from && line.date <= query.to).toBe(true)
          }
          expect(s.closingMinor).toBe(s.openingMinor + s.lines.reduce((n, l) => n + l.amountMinor, 0))
          expect(Number.isSafeInteger(s.closingMinor)).toBe(true)
        }
      }),
    )
  })

  it('never mixes currencies, and the closing balance equals every movement up to `to` in that currency', () => {
    fc.assert(
      fc.property(ledger, period, ({ invoices, payments }, [from, length, asOf]) => {
        const to = day(from + length)
        const statements = buildStatements(
          { scope: { kind: 'school', id: 'sch' }, from: day(from), to, asOf: day(asOf) },
          invoices,
          payments,
        )
        expect(statements.map((s) => s.currency)).toEqual(
          [...new Set(statements.map((s) => s.currency))].sort(),
        )
        for (const s of statements) {
          const charged = invoices
            .filter((i) => i.currency === s.currency && i.issueDate <= to)
            .reduce((n, i) => n + i.totalMinor, 0)
          const paid = payments
            .filter((p) => p.currency === s.currency && p.paidOn <= to)
            .reduce((n, p) => n + (p.reverses ? -p.amountMinor : p.amountMinor), 0)
          expect(s.closingMinor).toBe(charged - paid)
          for (const line of s.lines)
            expect(invoices.find((i) => i.id === line.invoiceId)?.currency).toBe(s.currency)
        }
      }),
    )
  })

  it('ages exactly what is unpaid on asOf', () => {
    fc.assert(
      fc.property(ledger, fc.integer({ min: 0, max: 900 }), ({ invoices, payments }, asOfDay) => {
        const asOf = day(asOfDay)
        const statements = buildStatements(
          { scope: { kind: 'school', id: 'sch' }, from: day(0), to: day(1000), asOf },
          invoices,
          payments,
        )
        for (const s of statements) {
          const unpaid = invoices
            .filter((i) => i.currency === s.currency && i.issueDate <= asOf)
            .map(
              (i) =>
                i.totalMinor -
                payments
                  .filter((p) => p.invoiceId === i.id && p.paidOn <= asOf)
                  .reduce((n, p) => n + (p.reverses ? -p.amountMinor : p.amountMinor), 0),
            )
            .filter((r) => r > 0)
            .reduce((n, r) => n + r, 0)
          const a = s.aging
          expect(a.current + a.days1to30 + a.days31to60 + a.days61to90 + a.over90).toBe(unpaid)
        }
      }),
    )
  })

  it('orders lines by date, invoice before payment before reversal, then id', () => {
    const invoices: LedgerInvoice[] = [
      {
        id: 'b',
        number: 'B',
        schoolId: 'x',
        studentId: 's',
        currency: 'USD',
        issueDate: '2026-01-02',
        dueDate: '2026-01-02',
        totalMinor: 100,
      },
      {
        id: 'a',
        number: 'A',
        schoolId: 'x',
        studentId: 's',
        currency: 'USD',
        issueDate: '2026-01-02',
        dueDate: '2026-01-02',
        totalMinor: 50,
      },
    ]
    const payments: LedgerPayment[] = [
      { id: 'r', invoiceId: 'b', currency: 'USD', paidOn: '2026-01-02', amountMinor: 10, reverses: 'p' },
      { id: 'p', invoiceId: 'b', currency: 'USD', paidOn: '2026-01-02', amountMinor: 10, reverses: null },
      { id: 'q', invoiceId: 'a', currency: 'USD', paidOn: '2026-01-01', amountMinor: 5, reverses: null },
    ]
    const [s] = buildStatements(
      { scope: { kind: 'student', id: 's' }, from: '2026-01-01', to: '2026-01-31', asOf: '2026-02-10' },
      invoices,
      payments,
    )
    expect(s?.lines.map((l) => [l.id, l.kind, l.amountMinor, l.balanceMinor])).toEqual([
      ['q', 'payment', -5, -5],
      ['a', 'invoice', 50, 45],
      ['b', 'invoice', 100, 145],
      ['p', 'payment', -10, 135],
      ['r', 'reversal', 10, 145],
    ])
    expect(s?.aging).toEqual({ current: 0, days1to30: 0, days31to60: 145, days61to90: 0, over90: 0 })
  })

  it.each([
    [-3, 'current'],
    [0, 'current'],
    [1, 'days1to30'],
    [30, 'days1to30'],
    [31, 'days31to60'],
    [60, 'days31to60'],
    [61, 'days61to90'],
    [90, 'days61to90'],
    [91, 'over90'],
  ] as const)('agingBucket puts %i days overdue in %s', (days, bucket) => {
    expect(agingBucket(days)).toBe(bucket)
  })
})

describe('buildStatementSummaries', () => {
  it('agrees with the full statements for any ledger: school totals, and each student row with its own statement', () => {
    fc.assert(
      fc.property(ledger, period, ({ invoices, payments }, [from, length, asOf]) => {
        const span = { from: day(from), to: day(from + length), asOf: day(asOf) }
        const school = { scope: { kind: 'school', id: 'sch' } as const, ...span }
        const summaries = buildStatementSummaries(school, invoices, payments)
        const full = buildStatements(school, invoices, payments)
        expect(summaries.map((x) => [x.currency, x.openingMinor, x.closingMinor, x.aging])).toEqual(
          full.map((x) => [x.currency, x.openingMinor, x.closingMinor, x.aging]),
        )
        for (const summary of summaries) {
          const lines = full.find((f) => f.currency === summary.currency)?.lines ?? []
          expect(summary.debitsMinor).toBe(
            lines.filter((l) => l.amountMinor > 0).reduce((n, l) => n + l.amountMinor, 0),
          )
          expect(summary.creditsMinor).toBe(
            lines.filter((l) => l.amountMinor < 0).reduce((n, l) => n - l.amountMinor, 0),
          )
          expect(summary.closingMinor).toBe(summary.openingMinor + summary.debitsMinor - summary.creditsMinor)
          for (const row of summary.students) {
            const own = invoices.filter((i) => i.studentId === row.studentId)
            const ids = new Set(own.map((i) => i.id))
            const statement = buildStatements(
              { scope: { kind: 'student', id: row.studentId }, ...span },
              own,
              payments.filter((p) => ids.has(p.invoiceId)),
            ).find((st) => st.currency === summary.currency)
            expect(statement).toBeDefined()
            expect([row.openingMinor, row.closingMinor, row.aging]).toEqual([
              statement?.openingMinor,
              statement?.closingMinor,
              statement?.aging,
            ])
            expect(row.closingMinor).toBe(row.openingMinor + row.debitsMinor - row.creditsMinor)
          }
        }
      }),
    )
  })
})
