import type { StatementScope } from './finance-store.ts'
import type { AgingBuckets, LedgerInvoice, LedgerPayment, StatementQuery } from './statement.ts'
import { buildStatements } from './statement.ts'

/**
 * One student's account for a period in one currency, without its lines: what its statement would
 * show at the top and the bottom. `closingMinor === openingMinor + debitsMinor - creditsMinor`.
 */
export interface StudentSummary {
  readonly studentId: string
  /** Owed at the start of `from`. */
  readonly openingMinor: number
  /** Invoices issued and reversals made in the period (minor units, never negative). */
  readonly debitsMinor: number
  /** Payments made in the period (minor units, never negative). */
  readonly creditsMinor: number
  /** Owed at the end of `to`. */
  readonly closingMinor: number
  /** Unpaid as of `asOf`, by days past due. */
  readonly aging: AgingBuckets
}

/**
 * A school's statement for a period in one currency as per-student summaries: the shape a school asks
 * for ("who owes what, and since when") without shipping every line of a year. The school's totals are
 * the sums of its students' (and equal the full school statement's opening, closing and aging); a
 * student's lines come from that student's statement. Several currencies give several summaries.
 *
 * @example
 * ```json
 * { "scope": { "kind": "school", "id": "school-1" }, "currency": "USD", "from": "2026-01-01",
 *   "to": "2026-12-31", "asOf": "2026-12-31", "openingMinor": 0, "debitsMinor": 100000,
 *   "creditsMinor": 60000, "closingMinor": 40000,
 *   "aging": { "current": 0, "days1to30": 40000, "days31to60": 0, "days61to90": 0, "over90": 0 },
 *   "students": [{ "studentId": "s-1", "openingMinor": 0, "debitsMinor": 100000, "creditsMinor": 60000,
 *     "closingMinor": 40000,
 *     "aging": { "current": 0, "days1to30": 40000, "days31to60": 0, "days61to90": 0, "over90": 0 } }] }
 * ```
 */
export interface StatementSummary {
  readonly scope: StatementScope
  readonly currency: string
  readonly from: string
  readonly to: string
  readonly asOf: string
  readonly openingMinor: number
  readonly debitsMinor: number
  readonly creditsMinor: number
  readonly closingMinor: number
  readonly aging: AgingBuckets
  /**
   * One row per student with an invoice or payment in this currency dated on or before the later of
   * `to` and `asOf` (the rule that gives a student a statement in it), by student id (UTF-16 code units).
   */
  readonly students: readonly StudentSummary[]
}

const zero = (): Record<keyof AgingBuckets, number> => ({
  current: 0,
  days1to30: 0,
  days31to60: 0,
  days61to90: 0,
  over90: 0,
})

/** Adds `b` into `a` (aging buckets). */
function addAging(a: Record<keyof AgingBuckets, number>, b: AgingBuckets): void {
  for (const k of Object.keys(a) as (keyof AgingBuckets)[]) a[k] += b[k]
}

/**
 * The reference computation of summaries: every student's statement ({@link buildStatements}) reduced to
 * its totals, grouped by currency. What every `FinanceStore.statementSummaries` must return for the same
 * records; `invoices` are the scope's invoices and `payments` every payment and reversal of them.
 */
export function buildStatementSummaries(
  query: StatementQuery,
  invoices: readonly LedgerInvoice[],
  payments: readonly LedgerPayment[],
): StatementSummary[] {
  const studentOf = new Map(invoices.map((i) => [i.id, i.studentId]))
  const byStudent = new Map<string, { invoices: LedgerInvoice[]; payments: LedgerPayment[] }>()
  const entry = (student: string) => {
    let e = byStudent.get(student)
    if (!e) {
      e = { invoices: [], payments: [] }
      byStudent.set(student, e)
    }
    return e
  }
  for (const inv of invoices) entry(inv.studentId).invoices.push(inv)
  for (const pay of payments) {
    const student = studentOf.get(pay.invoiceId)
    if (student !== undefined) entry(student).payments.push(pay)
  }
  const perCurrency = new Map<string, StudentSummary[]>()
  const students = [...byStudent.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  for (const student of students) {
    const own = byStudent.get(student) as { invoices: LedgerInvoice[]; payments: LedgerPayment[] }
    const scope = { kind: 'student', id: student } as const
    for (const st of buildStatements({ ...query, scope }, own.invoices, own.payments)) {
      let debits = 0
      let credits = 0
      for (const line of st.lines) {
        if (line.amountMinor >= 0) debits += line.amountMinor
        else credits -= line.amountMinor
      }
      const rows = perCurrency.get(st.currency) ?? []
      rows.push({
        studentId: student,
        openingMinor: st.openingMinor,
        debitsMinor: debits,
        creditsMinor: credits,
        closingMinor: st.closingMinor,
        aging: st.aging,
      })
      perCurrency.set(st.currency, rows)
    }
  }
  return [...perCurrency.keys()].sort().map((currency) => {
    const rows = perCurrency.get(currency) as StudentSummary[]
    return summaryOf(query, currency, rows)
  })
}

/** A currency's summary from its student rows: the school's figures are the sums of the students'. */
export function summaryOf(
  query: StatementQuery,
  currency: string,
  students: readonly StudentSummary[],
): StatementSummary {
  let opening = 0
  let debits = 0
  let credits = 0
  let closing = 0
  const aging = zero()
  for (const row of students) {
    opening += row.openingMinor
    debits += row.debitsMinor
    credits += row.creditsMinor
    closing += row.closingMinor
    addAging(aging, row.aging)
  }
  return {
    scope: query.scope,
    currency,
    from: query.from,
    to: query.to,
    asOf: query.asOf,
    openingMinor: opening,
    debitsMinor: debits,
    creditsMinor: credits,
    closingMinor: closing,
    aging,
    students,
  }
}
