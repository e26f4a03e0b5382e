import type { StoreError } from '../errors/store-error.ts'

/**
 * Why a finance call failed as a whole (a refused payment is a per-record INVALID outcome, not an error):
 * - `Invalid`: the call's arguments are wrong (a period whose `from` is after its `to`, a contract whose
 *   end is before its start, ...); the message names the field, the rule and the value received.
 * - `StudentHasInvoices`: a hard delete of students who have invoices was refused; the message names them.
 * - `Store`: the {@link FinanceStore} or the Store failed; `cause` is the {@link StoreError}.
 */
export type FinanceErrorReason = 'Invalid' | 'StudentHasInvoices' | 'Store'

/** The one error type of the finance API. */
export class FinanceError extends Error {
  override readonly name = 'FinanceError'

  constructor(
    readonly reason: FinanceErrorReason,
    message: string,
    options: { cause?: StoreError | unknown } = {},
  ) {
    super(message, { cause: options.cause })
  }

  /** Whether the same call may succeed later (a Store that was unavailable or in conflict). */
  get retryable(): boolean {
    if (this.reason !== 'Store') return false
    return (this.cause as { retryable?: boolean } | undefined)?.retryable === true
  }
}
