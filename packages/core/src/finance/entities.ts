import * as z from 'zod'
import type { RecordOf } from '../types/entity.ts'
import { defineEntity } from '../types/entity.ts'
import { money } from '../types/money.ts'
import { externalId, isoDate, optionalRef, optionalText, text } from '../types/primitives.ts'

const currencyCode = z
  .string({ error: 'expected an ISO-4217 currency code' })
  .transform((c) => c.toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{3}$/, { message: 'expected a three-letter ISO-4217 currency code' }))

/**
 * A school: the party that issues invoices. Tenant-scoped like every record; a tenant may run several
 * schools. A student belongs to one school: the first invoice that names the student fixes it, and an
 * invoice naming the same student with another school is refused (rule `student_school`).
 */
export const school = defineEntity({
  name: 'school',
  shape: {
    id: externalId,
    name: text,
    code: optionalText,
  },
})

/** One line of an invoice: what is billed and its amount (integer minor units, the invoice's currency). */
export const invoiceLine = z.object({
  description: text,
  amount: money,
})

/**
 * An invoice issued by a school to a student.
 *
 * Shape (canonical; adapters such as QuickBooks map to and from it):
 * - `id`: the invoice's id in its system of record; `number`: the human invoice number (`INV-2026-0042`).
 * - `schoolId`, `studentId`: the issuer and the billed student (both must exist, else DEFERRED).
 * - `issueDate`, `dueDate`: calendar dates, `dueDate >= issueDate`. OVERDUE is computed from `dueDate`
 *   and a clock, never stored.
 * - `currency`: ISO-4217; every line and the total are in it.
 * - `lines`: at least one; `total.minor` equals the sum of the lines' `amount.minor` and is positive.
 *
 * What changes after payments exist: `schoolId`, `studentId` and `currency` never change (rule
 * `immutable_field`; issue a new invoice instead); the total may change but never below what was paid
 * (rule `total_below_paid`). The status (`PENDING`, `PARTIALLY_PAID`, `PAID`) is derived from payments.
 */
export const invoice = defineEntity({
  name: 'invoice',
  shape: {
    id: externalId,
    schoolId: externalId,
    studentId: externalId,
    number: text,
    issueDate: isoDate,
    dueDate: isoDate,
    currency: currencyCode,
    lines: z.array(invoiceLine).min(1, { message: 'expected at least one invoice line' }),
    total: money,
    note: optionalText,
  },
  references: { schoolId: 'school', studentId: 'student' },
})

/**
 * A payment received against one invoice, or the reversal of one.
 *
 * Shape (canonical):
 * - `invoiceId`: the paid invoice (must exist, else DEFERRED).
 * - `amount`: strictly positive, in the invoice's currency (rule `currency_mismatch` otherwise).
 * - `paidOn`: the calendar date the money moved.
 * - `reverses`: absent for a payment; for a reversal, the id of the payment it cancels. A reversal has the
 *   same invoice, amount and currency as the payment it cancels, and a payment is reversed at most once.
 *
 * Immutable once recorded: the same id with other content is refused (rule `immutable`). A correction is a
 * reversal plus, when needed, a new payment. A payment never exceeds what remains on its invoice (rule
 * `overpayment`), also when several arrive at once.
 */
export const invoicePayment = defineEntity({
  name: 'invoicePayment',
  shape: {
    id: externalId,
    invoiceId: externalId,
    amount: money.refine((m) => m.minor > 0, {
      message: 'expected a positive amount (a correction is a reversal, not a negative payment)',
      params: { rule: 'positive' },
    }),
    paidOn: isoDate,
    method: optionalText,
    reference: optionalText,
    reverses: optionalRef,
  },
  references: { invoiceId: 'invoice', reverses: 'invoicePayment' },
})

/** A canonical school record. */
export type School = RecordOf<typeof school>
/** A canonical invoice record (see {@link invoice} for the rules). */
export type Invoice = RecordOf<typeof invoice>
/** A canonical payment-against-invoice record (see {@link invoicePayment} for the rules). */
export type InvoicePayment = RecordOf<typeof invoicePayment>

/** Names of the finance entities. */
export type FinanceEntityName = 'school' | 'invoice' | 'invoicePayment'

/** The finance entities, parents first (the order batches are replayed in). */
export const financeEntities = [school, invoice, invoicePayment] as const
