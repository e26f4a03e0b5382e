import * as z from 'zod'
import { blankAsNull } from '../parse/blank.ts'

/**
 * Tenant identifier: one school (or one school group's member). Every Store call is scoped by it.
 * Any non-empty string up to 200 characters; hosts usually use a slug such as `"acme-academy"`.
 */
export type TenantId = string

/** Name of a canonical entity, e.g. `"registration"`. */
export type EntityName = string

// Hand-rolled rather than a regex plus `new Date(...)`: a registration holds a dozen dates, and this
// check runs on every one of them on the bulk path.
function digitsAt(value: string, from: number, to: number): number {
  let n = 0
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i) - 48
    if (c < 0 || c > 9) return -1
    n = n * 10 + c
  }
  return n
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const

/** Whether `value` is `YYYY-MM-DD` and that day exists in the proleptic Gregorian calendar. */
function isRealDate(value: string): boolean {
  if (value.length !== 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return false
  const year = digitsAt(value, 0, 4)
  const month = digitsAt(value, 5, 7)
  const day = digitsAt(value, 8, 10)
  if (year < 0 || month < 1 || month > 12 || day < 1) return false
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  return day <= (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number))
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

/** An optional, nullable reference id (`null` = no reference; a blank string reads as `null`). */
export const optionalRef = z.preprocess(blankAsNull, externalId.nullable().optional())

/** A non-empty trimmed string. */
export const text = z.string().trim().min(1, { message: 'expected a non-empty string' })

/**
 * Optional free text: absent, `null`, or a string kept as given (not trimmed). A blank string (empty or
 * whitespace-only) reads as `null`: a CRM's empty field means "no value" (see {@link blankAsNull}).
 */
export const optionalText = z.preprocess(blankAsNull, z.string().nullable().optional())

/** Optional calendar date `YYYY-MM-DD`; a blank string reads as `null`. */
export const optionalDate = z.preprocess(blankAsNull, isoDate.nullable().optional())

/** Optional e-mail address; a blank string reads as `null`, anything else must be an address. */
export const optionalEmail = z.preprocess(
  blankAsNull,
  z.email({ message: 'expected an e-mail address' }).nullable().optional(),
)
