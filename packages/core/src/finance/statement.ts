import { differenceInCalendarDays } from 'date-fns/differenceInCalendarDays'
import { parseISO } from 'date-fns/parseISO'
import type { StatementScope } from './finance-store.ts'

/**
 * Which statement to build: a student's or a school's, for the period `from`..`to` (inclusive calendar
 * dates), with aging as of `asOf`.
 */
export interface StatementQuery {
  readonly scope: StatementScope
  /** First day of the period (`YYYY-MM-DD`). Everything before it is summed into the opening balance. */
  readonly from: string
  /** Last day of the period (`YYYY-MM-DD`), inclusive. */
  readonly to: string
  /** The day aging is computed for (`YYYY-MM-DD`): what was unpaid then, by days past due. */
  readonly asOf: string
}

/** Kind of a statement line: an invoice charges, a payment credits, a reversal charges back. */
export type StatementLineKind = 'invoice' | 'payment' | 'reversal'

/** One invoice, payment or reversal on a statement. */
export interface StatementLine {
  /** Issue date of an invoice, `paidOn` of a payment or reversal. */
  readonly date: string
  readonly kind: StatementLineKind
  /** The invoice's or payment's id. */
  readonly id: string
  readonly invoiceId: string
  readonly invoiceNumber: string
  readonly studentId: string
  /** Effect on the balance in minor units: positive for an invoice or reversal, negative for a payment. */
  readonly amountMinor: number
  /** Balance after this line: the opening balance plus every line up to and including this one. */
  readonly balanceMinor: number
}

/**
 * Unpaid amounts as of a date, by days past the due date (minor units): `current` is not yet due (or due
 * that very day), then 1-30, 31-60, 61-90 and more than 90 days overdue.
 */
export interface AgingBuckets {
  readonly current: number
  readonly days1to30: number
  readonly days31to60: number
  readonly days61to90: number
  readonly over90: number
}

/**
 * An account statement in one currency: several currencies give several statements, never a sum across
 * them. Money is integer minor units throughout; `closingMinor === openingMinor + sum(lines.amountMinor)`
 * and each line's `balanceMinor` is the running balance.
 *
 * @example
 * ```json
 * { "scope": { "kind": "student", "id": "s-1" }, "currency": "USD", "from": "2026-01-01", "to": "2026-01-31",
 *   "asOf": "2026-02-15", "openingMinor": 0, "closingMinor": 40000,
 *   "lines": [
 *     { "date": "2026-01-05", "kind": "invoice", "id": "inv-1", "invoiceId": "inv-1", "invoiceNumber": "INV-1",
 *       "studentId": "s-1", "amountMinor": 100000, "balanceMinor": 100000 },
 *     { "date": "2026-01-20", "kind": "payment", "id": "pay-1", "invoiceId": "inv-1", "invoiceNumber": "INV-1",
 *       "studentId": "s-1", "amountMinor": -60000, "balanceMinor": 40000 }],
 *   "aging": { "current": 0, "days1to30": 40000, "days31to60": 0, "days61to90": 0, "over90": 0 } }
 * ```
 */
export interface Statement {
  readonly scope: StatementScope
  readonly currency: string
  readonly from: string
  readonly to: string
  readonly asOf: string
  /** What was owed at the start of `from`: invoices issued before it minus net payments made before it. */
  readonly openingMinor: number
  /** Every invoice issued and payment made in the period, by date, then invoice before payment, then id. */
  readonly lines: readonly StatementLine[]
  /** What was owed at the end of `to`. */
  readonly closingMinor: number
  readonly aging: AgingBuckets
}

/** An invoice as statements see it. */
export interface LedgerInvoice {
  readonly id: string
  readonly number: string
  readonly schoolId: string
  readonly studentId: string
  readonly currency: string
  readonly issueDate: string
  readonly dueDate: string
  readonly totalMinor: number
}

/** A payment or reversal as statements see it (`amountMinor` positive; `reverses` set on reversals). */
export interface LedgerPayment {
  readonly id: string
  readonly invoiceId: string
  readonly currency: string
  readonly paidOn: string
  readonly amountMinor: number
  readonly reverses: string | null
}

const KIND_RANK: Record<StatementLineKind, number> = { invoice: 0, payment: 1, reversal: 2 }

/** Orders lines by date, then kind (invoice, payment, reversal), then id by UTF-16 code unit. */
export function compareLines(
  a: Pick<StatementLine, 'date' | 'kind' | 'id'>,
  b: Pick<StatementLine, 'date' | 'kind' | 'id'>,
): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1
  if (a.kind !== b.kind) return KIND_RANK[a.kind] - KIND_RANK[b.kind]
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** Days past due → bucket name. Due today or later is `current`. */
export function agingBucket(daysOverdue: number): keyof AgingBuckets {
  if (daysOverdue <= 0) return 'current'
  if (daysOverdue <= 30) return 'days1to30'
  if (daysOverdue <= 60) return 'days31to60'
  if (daysOverdue <= 90) return 'days61to90'
  return 'over90'
}

/** Whole calendar days from `due` to `asOf` (negative when not yet due). */
export function daysOverdue(due: string, asOf: string): number {
  return differenceInCalendarDays(parseISO(asOf), parseISO(due))
}

/**
 * The reference computation of statements: what every {@link FinanceStore} must return for the same
 * records. `invoices` are the scope's invoices (any date) and `payments` every payment and reversal of
 * them. A currency gets a statement when the scope has an invoice or payment in it dated on or before
 * the later of `to` and `asOf`.
 */
export function buildStatements(
  query: StatementQuery,
  invoices: readonly LedgerInvoice[],
  payments: readonly LedgerPayment[],
): Statement[] {
  const { from, to, asOf } = query
  const horizon = to > asOf ? to : asOf
  const byId = new Map(invoices.map((i) => [i.id, i]))
  const perCurrency = new Map<string, { opening: number; lines: Omit<StatementLine, 'balanceMinor'>[] }>()
  const bucket = (currency: string) => {
    let entry = perCurrency.get(currency)
    if (!entry) {
      entry = { opening: 0, lines: [] }
      perCurrency.set(currency, entry)
    }
    return entry
  }
  const paidAsOf = new Map<string, number>()

  for (const inv of invoices) {
    if (inv.issueDate > horizon) continue
    const entry = bucket(inv.currency)
    if (inv.issueDate < from) entry.opening += inv.totalMinor
    else if (inv.issueDate <= to) {
      entry.lines.push({
        date: inv.issueDate,
        kind: 'invoice',
        id: inv.id,
        invoiceId: inv.id,
        invoiceNumber: inv.number,
        studentId: inv.studentId,
        amountMinor: inv.totalMinor,
      })
    }
  }
  for (const pay of payments) {
    const inv = byId.get(pay.invoiceId)
    if (!inv || pay.paidOn > horizon) continue
    const effect = pay.reverses === null ? -pay.amountMinor : pay.amountMinor
    if (pay.paidOn <= asOf) paidAsOf.set(inv.id, (paidAsOf.get(inv.id) ?? 0) - effect)
    const entry = bucket(pay.currency)
    if (pay.paidOn < from) entry.opening += effect
    else if (pay.paidOn <= to) {
      entry.lines.push({
        date: pay.paidOn,
        kind: pay.reverses === null ? 'payment' : 'reversal',
        id: pay.id,
        invoiceId: inv.id,
        invoiceNumber: inv.number,
        studentId: inv.studentId,
        amountMinor: effect,
      })
    }
  }

  const aging = new Map<string, Record<keyof AgingBuckets, number>>()
  for (const inv of invoices) {
    if (inv.issueDate > asOf) continue
    const remaining = inv.totalMinor - (paidAsOf.get(inv.id) ?? 0)
    if (remaining <= 0) continue
    let buckets = aging.get(inv.currency)
    if (!buckets) {
      buckets = { current: 0, days1to30: 0, days31to60: 0, days61to90: 0, over90: 0 }
      aging.set(inv.currency, buckets)
    }
    buckets[agingBucket(daysOverdue(inv.dueDate, asOf))] += remaining
  }

  return [...perCurrency.keys()].sort().map((currency) => {
    const entry = perCurrency.get(currency) as {
      opening: number
      lines: Omit<StatementLine, 'balanceMinor'>[]
    }
    entry.lines.sort(compareLines)
    let balance = entry.opening
    const lines = entry.lines.map((line) => {
      balance += line.amountMinor
      return { ...line, balanceMinor: balance }
    })
    return {
      scope: query.scope,
      currency,
      from,
      to,
      asOf,
      openingMinor: entry.opening,
      lines,
      closingMinor: balance,
      aging: aging.get(currency) ?? { current: 0, days1to30: 0, days31to60: 0, days61to90: 0, over90: 0 },
    }
  })
}
