import * as z from 'zod'

/**
 * An amount of money: integer minor units (cents, kuruş, pence) plus an ISO-4217 currency code.
 * Never floating point: `{ minor: 150050, currency: 'USD' }` is 1,500.50 USD.
 */
export interface Money {
  /** Integer amount in the currency's minor unit; may be negative (refunds, credits). */
  readonly minor: number
  /** Three-letter upper-case ISO-4217 code, e.g. `"USD"`, `"TRY"`, `"EUR"`, `"GBP"`. */
  readonly currency: string
}

/** Zod schema for {@link Money}; the currency is upper-cased before it is checked. */
export const money = z.object({
  minor: z
    .number({ error: 'expected an integer number of minor units (e.g. cents)' })
    .int({ message: 'expected an integer number of minor units (e.g. cents), not a fraction' })
    .refine(Number.isSafeInteger, {
      message: 'expected a safe integer number of minor units',
      params: { rule: 'safe_integer' },
    }),
  currency: z
    .string({ error: 'expected an ISO-4217 currency code' })
    .transform((c) => c.toUpperCase())
    .pipe(z.string().regex(/^[A-Z]{3}$/, { message: 'expected a three-letter ISO-4217 currency code' })),
})

/**
 * Zod schema for an amount that must be greater than zero (a payment received, an invoice line): the
 * direction of the money is said by the record (e.g. a payment's `kind`), never by a minus sign.
 * Zero and negative amounts break rule `positive_amount`, reported on the money field itself so the
 * person fixing the record sees the whole amount with its currency.
 */
export const positiveMoney = money.refine((value) => value.minor > 0, {
  message:
    'expected an amount greater than zero; money going back is recorded with kind "refund" or "reversal" and a positive amount',
  params: { rule: 'positive_amount' },
})

/** Builds a {@link Money} from integer minor units. */
export function moneyOf(minor: number, currency: string): Money {
  return { minor, currency: currency.toUpperCase() }
}
