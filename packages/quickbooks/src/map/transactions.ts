import { createHash } from 'node:crypto'
import type { Money } from '@edusync/core'
import { canonicalJson } from '@edusync/core'
import { amountLiteral, toDecimalString } from './money.ts'
import { cleanName, oneLine } from './text.ts'

/**
 * The invoice edusync pushes: a small structural input, so any canonical invoice (or a registration's
 * instalment) maps onto it. Amounts are canonical money: integer minor units plus the currency.
 */
export interface InvoiceInput {
  /** The canonical invoice id (the ledger key and the PrivateNote marker). */
  readonly id: string
  /** The QuickBooks Customer Id (e.g. from the customer push's ledger or links). */
  readonly customerId: string
  /** `DocNumber`, at most 21 characters; left to QuickBooks when absent. */
  readonly number?: string | null
  /** `TxnDate`, `YYYY-MM-DD`. */
  readonly date: string
  readonly dueDate?: string | null
  readonly lines: readonly InvoiceLineInput[]
  /** Free text for the customer (`CustomerMemo`). */
  readonly memo?: string | null
}

/** One invoice line: what is billed, for which program or service (the line's Item). */
export interface InvoiceLineInput {
  /** The item's name in QuickBooks (one item per program or service; looked up or created once). */
  readonly item: string
  readonly description?: string | null
  /** @default 1 */
  readonly quantity?: number
  /** Price of one unit. */
  readonly unitPrice: Money
}

/** A payment against an invoice, or unapplied (no invoice). */
export interface PaymentInput {
  /** The canonical payment id (ledger key and PrivateNote marker). */
  readonly id: string
  readonly customerId: string
  /** The QuickBooks Invoice Id it pays (`LinkedTxn`); absent for an unapplied payment. */
  readonly invoiceId?: string | null
  readonly amount: Money
  /** `TxnDate`, `YYYY-MM-DD`. */
  readonly date: string
  /** `PaymentRefNum` (receipt or voucher number), at most 21 characters. */
  readonly reference?: string | null
}

/** The owner marker written into `PrivateNote` (`edusync invoice/INV-1`), how a lookup finds our transaction. */
export const transactionMarker = (entity: string, id: string) => `edusync ${entity}/${id}`

const fingerprintOf = (value: unknown) => createHash('sha256').update(canonicalJson(value)).digest('hex')

/** An Invoice body with exact amounts, and its fingerprint. `itemIds` maps item names to Item Ids. */
export function toInvoiceBody(
  invoice: InvoiceInput,
  itemIds: ReadonlyMap<string, string>,
): { body: Record<string, unknown>; fingerprint: string } {
  const lines = invoice.lines.map((line) => {
    const quantity = line.quantity ?? 1
    if (!Number.isSafeInteger(quantity) || quantity < 1)
      throw new TypeError(`invoice ${invoice.id}: quantity must be a positive integer, got ${quantity}`)
    const total = { minor: line.unitPrice.minor * quantity, currency: line.unitPrice.currency }
    const itemId = itemIds.get(itemName(line.item))
    if (!itemId) throw new TypeError(`invoice ${invoice.id}: no Item Id for "${line.item}"`)
    return {
      DetailType: 'SalesItemLineDetail',
      Amount: amountLiteral(total),
      ...(line.description ? { Description: oneLine(line.description, 4000) } : {}),
      SalesItemLineDetail: {
        ItemRef: { value: itemId },
        Qty: quantity,
        UnitPrice: amountLiteral(line.unitPrice),
      },
    }
  })
  const body: Record<string, unknown> = {
    CustomerRef: { value: invoice.customerId },
    TxnDate: invoice.date,
    ...(invoice.dueDate ? { DueDate: invoice.dueDate } : {}),
    ...(invoice.number ? { DocNumber: oneLine(invoice.number, 21) } : {}),
    ...(invoice.memo ? { CustomerMemo: { value: oneLine(invoice.memo, 1000) } } : {}),
    PrivateNote: transactionMarker('invoice', invoice.id),
    Line: lines,
  }
  // Fingerprint over the exact decimal strings (raw JSON values are opaque to canonicalJson).
  const exact = {
    ...invoice,
    lines: invoice.lines.map((l) => ({
      ...l,
      unitPrice: toDecimalString(l.unitPrice),
      currency: l.unitPrice.currency,
    })),
  }
  return {
    body,
    fingerprint: fingerprintOf({ exact, itemIds: lines.map((l) => l.SalesItemLineDetail.ItemRef.value) }),
  }
}

/** A Payment body with the exact amount and its `LinkedTxn`, and its fingerprint. */
export function toPaymentBody(payment: PaymentInput): { body: Record<string, unknown>; fingerprint: string } {
  const amount = amountLiteral(payment.amount)
  const body: Record<string, unknown> = {
    CustomerRef: { value: payment.customerId },
    TotalAmt: amount,
    TxnDate: payment.date,
    ...(payment.reference ? { PaymentRefNum: oneLine(payment.reference, 21) } : {}),
    PrivateNote: transactionMarker('payment', payment.id),
    ...(payment.invoiceId
      ? { Line: [{ Amount: amount, LinkedTxn: [{ TxnId: payment.invoiceId, TxnType: 'Invoice' }] }] }
      : {}),
  }
  return {
    body,
    fingerprint: fingerprintOf({
      ...payment,
      amount: toDecimalString(payment.amount),
      currency: payment.amount.currency,
    }),
  }
}

/** An Item name as QuickBooks accepts it (no colon, at most 100 characters). */
export function itemName(name: string): string {
  return cleanName(name, 100)
}
