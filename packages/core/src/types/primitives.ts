import * as z from 'zod'

/**
 * Tenant identifier: one school (or one school group's member). Every Store call is scoped by it.
 * Any non-empty string up to 200 characters; hosts usually use a slug such as `"acme-academy"`.
 */
export type TenantId = string

/** Name of a canonical entity, e.g. `"registration"`. */
export type EntityName = string

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

function isRealDate(value: string): boolean {
  const match = DATE.exec(value)
  if (!match) return false
  const [, y, m, d] = match
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)))
  return (
    date.getUTCFullYear() === Number(y) &&
    date.getUTCMonth() === Number(m) - 1 &&
    date.getUTCDate() === Number(d)
  )
}

/** A calendar date `YYYY-MM-DD` that exists (rejects `2026-02-30` and `15/01/2026`). */
export const isoDate = z
  .string()
  .refine(isRealDate, { message: 'expected a calendar date YYYY-MM-DD', params: { rule: 'iso_date' } })

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/

/**
 * An instant: ISO-8601 with an explicit offset (`2023-12-20T11:59:13+03:00`), normalised to UTC
 * (`2023-12-20T08:59:13.000Z`) so that the same moment written with another offset fingerprints the same.
 */
export const isoInstant = z
  .string()
  .refine((value) => INSTANT.test(value) && !Number.isNaN(Date.parse(value)), {
    message: 'expected an ISO-8601 date-time with offset, e.g. 2026-01-15T09:30:00+03:00',
    params: { rule: 'iso_instant' },
  })
  .transform((value) => new Date(value).toISOString())

/**
 * An external record id. Ids are strings (Zoho ids are 19 digits and lose precision as numbers).
 *
 * Coercion rule: a JSON number that is a safe integer (`Number.isSafeInteger`) is accepted and converted
 * to its decimal string; any other number (fractional, or beyond 2^53 where digits were already lost) is
 * rejected with a message asking for the id as a string. Empty and whitespace-only strings are rejected.
 */
export const externalId = z.preprocess(
  (value) => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value),
  z
    .string({
      error: (issue) =>
        typeof issue.input === 'number'
          ? 'expected the id as a string: this number is not a safe integer, so its digits may already be lost'
          : 'expected an id string',
    })
    .trim()
    .min(1, { message: 'expected a non-empty id' })
    .max(200, { message: 'expected an id of at most 200 characters' }),
)

/** An optional, nullable reference id (`null` = no reference). */
export const optionalRef = externalId.nullable().optional()

/** A non-empty trimmed string. */
export const text = z.string().trim().min(1, { message: 'expected a non-empty string' })

/** Optional free text: absent, `null`, or a string (empty allowed: `""` and `null` are different values). */
export const optionalText = z.string().nullable().optional()

/** Optional calendar date. */
export const optionalDate = isoDate.nullable().optional()
