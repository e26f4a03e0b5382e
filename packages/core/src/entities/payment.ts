import * as z from 'zod'
import type { RecordOf } from '../types/entity.ts'
import { defineEntity } from '../types/entity.ts'
import type { Money } from '../types/money.ts'
import { positiveMoney } from '../types/money.ts'
import { externalId, isoDate, optionalRef, optionalText } from '../types/primitives.ts'

/**
 * Which way a payment's money moved. `payment`: received from the student (absent or `null` means the
 * same). `refund`: paid back to the student. `reversal`: a received payment undone by the bank or
 * processor (a bounced transfer, a chargeback). The amount is always positive; the kind says the sign.
 */
export const paymentKind = z.enum(['payment', 'refund', 'reversal'])

/**
 * A payment against a registration: money received, or (with `kind` `"refund"` / `"reversal"`) money
 * going back. `amount` is strictly positive in every case (rule `positive_amount`): a minus sign is
 * never how a refund is said, so a statement summing payments cannot silently net a negative "payment".
 * Use {@link signedPaymentAmount} to add payments and refunds up.
 */
export const payment = defineEntity({
  name: 'payment',
  shape: {
    id: externalId,
    code: optionalText,
    registrationId: externalId,
    studentId: optionalRef,
    kind: paymentKind.nullable().optional(),
    amount: positiveMoney,
    paymentDate: isoDate,
    method: optionalText,
    type: optionalText,
    installmentNumber: z
      .number()
      .int({ message: 'expected an integer instalment number' })
      .nullable()
      .optional(),
    voucherNumber: optionalText,
    note: optionalText,
  },
  references: { registrationId: 'registration', studentId: 'student' },
})

/**
 * A payment's amount with the sign of its direction, for statements and balances: positive for money
 * received, negative for a refund or a reversal.
 *
 * @example
 * ```ts
 * signedPaymentAmount({ ...p, kind: 'refund', amount: { minor: 2500, currency: 'USD' } }) // { minor: -2500, currency: 'USD' }
 * ```
 */
export function signedPaymentAmount(record: Pick<RecordOf<typeof payment>, 'kind' | 'amount'>): Money {
  const back = record.kind === 'refund' || record.kind === 'reversal'
  return { minor: back ? -record.amount.minor : record.amount.minor, currency: record.amount.currency }
}
