import type { InvoiceBalance } from './finance-store.ts'
import { daysOverdue } from './statement.ts'

/**
 * An invoice's payment status, derived from its payments and never stored:
 * `PENDING` (nothing paid) -> `PARTIALLY_PAID` -> `PAID` (nothing remains). A reversal moves it back.
 */
export type InvoiceStatus = 'PENDING' | 'PARTIALLY_PAID' | 'PAID'

/** An invoice's derived state on a given day. */
export interface InvoiceState {
  readonly invoiceId: string
  readonly status: InvoiceStatus
  /** Something remains unpaid and the due date has passed (computed from the clock, never stored). */
  readonly overdue: boolean
  /** `OVERDUE` when overdue, else the status: what a statement or a UI shows. */
  readonly label: InvoiceStatus | 'OVERDUE'
  readonly currency: string
  readonly totalMinor: number
  readonly paidMinor: number
  readonly remainingMinor: number
  /** Whole days past due on `asOf` (0 when not overdue). */
  readonly daysOverdue: number
}

/** The status for a total and the net amount paid. */
export function invoiceStatus(totalMinor: number, paidMinor: number): InvoiceStatus {
  if (paidMinor <= 0) return 'PENDING'
  return paidMinor >= totalMinor ? 'PAID' : 'PARTIALLY_PAID'
}

/** The derived state of an invoice on `asOf` (`YYYY-MM-DD`, from the caller's clock). */
export function invoiceState(balance: InvoiceBalance, asOf: string): InvoiceState {
  const status = invoiceStatus(balance.totalMinor, balance.paidMinor)
  const late = daysOverdue(balance.dueDate, asOf)
  const overdue = status !== 'PAID' && late > 0
  return {
    invoiceId: balance.id,
    status,
    overdue,
    label: overdue ? 'OVERDUE' : status,
    currency: balance.currency,
    totalMinor: balance.totalMinor,
    paidMinor: balance.paidMinor,
    remainingMinor: balance.totalMinor - balance.paidMinor,
    daysOverdue: overdue ? late : 0,
  }
}
