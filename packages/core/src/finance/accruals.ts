import { differenceInCalendarDays } from 'date-fns/differenceInCalendarDays'
import { eachMonthOfInterval } from 'date-fns/eachMonthOfInterval'
import { endOfMonth } from 'date-fns/endOfMonth'
import { format } from 'date-fns/format'
import { max } from 'date-fns/max'
import { min } from 'date-fns/min'
import { parseISO } from 'date-fns/parseISO'
import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import { isoDate } from '../types/primitives.ts'
import { FinanceError } from './finance-error.ts'

/** A contract or service period to accrue: `amount` minor units of `currency` over `start`..`end`. */
export interface AccrualContract {
  readonly id: string
  /** First day of service (`YYYY-MM-DD`). */
  readonly start: string
  /** Last day of service (`YYYY-MM-DD`), inclusive. */
  readonly end: string
  /** The contract's whole amount, in minor units (a non-negative safe integer). */
  readonly amountMinor: number
  readonly currency: string
}

/** One month's share of a contract. */
export interface Accrual {
  readonly contractId: string
  /** First day of the month (`YYYY-MM-01`). */
  readonly month: string
  readonly amountMinor: number
  readonly currency: string
  /** Days of the service period that fall in this month (the basis of the share). */
  readonly days: number
}

/**
 * Splits a contract into one accrual per calendar month, starting with the month of `start`.
 *
 * **Basis: days in period.** Each month's share is `amount × (days of the period in that month) / (days in
 * the whole period)`, both counts inclusive of `start` and `end`. So a period from the 16th of a 30-day
 * month gets 15 of its days in the first month, and a contract of whole months still splits by the
 * months' lengths (January gets 31/365 of a year). Shares are rounded by the **largest-remainder** method:
 * each month first gets the floor of its exact share; the minor units left over (fewer than the number of
 * months) go one each to the months with the largest remainders, earlier months first on ties. The
 * accruals therefore add up to the contract exactly, and never differ from the exact share by a whole
 * minor unit. The arithmetic is done in `BigInt`, so no amount loses precision.
 *
 * @example
 * ```ts
 * monthlyAccruals({ id: 'c-1', start: '2026-01-16', end: '2026-03-15', amountMinor: 100_000, currency: 'USD' })
 * // ok([{ month: '2026-01-01', days: 16, amountMinor: 27_119 }, { month: '2026-02-01', days: 28, amountMinor: 47_457 },
 * //     { month: '2026-03-01', days: 15, amountMinor: 25_424 }])   (sum 100,000)
 * ```
 */
export function monthlyAccruals(contract: AccrualContract): Result<Accrual[], FinanceError> {
  const invalid = (field: string, rule: string, received: unknown) =>
    err(
      new FinanceError(
        'Invalid',
        `contract ${JSON.stringify(contract.id)}: ${field} ${rule} (received ${JSON.stringify(received)})`,
      ),
    )
  if (!isoDate.safeParse(contract.start).success)
    return invalid('start', 'must be a calendar date YYYY-MM-DD', contract.start)
  if (!isoDate.safeParse(contract.end).success)
    return invalid('end', 'must be a calendar date YYYY-MM-DD', contract.end)
  if (contract.end < contract.start) return invalid('end', 'must not be before start', contract.end)
  if (!Number.isSafeInteger(contract.amountMinor) || contract.amountMinor < 0) {
    return invalid('amountMinor', 'must be a non-negative safe integer of minor units', contract.amountMinor)
  }
  const start = parseISO(contract.start)
  const end = parseISO(contract.end)
  const totalDays = BigInt(differenceInCalendarDays(end, start) + 1)
  const total = BigInt(contract.amountMinor)
  const months = eachMonthOfInterval({ start, end }).map((month) => {
    const days = differenceInCalendarDays(min([endOfMonth(month), end]), max([month, start])) + 1
    const share = total * BigInt(days)
    return { month, days, floor: share / totalDays, remainder: share % totalDays }
  })
  let left = total - months.reduce((sum, m) => sum + m.floor, 0n)
  const extra = new Set<number>()
  const byRemainder = months
    .map((m, index) => ({ index, remainder: m.remainder }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1))
  for (const { index } of byRemainder) {
    if (left <= 0n) break
    extra.add(index)
    left -= 1n
  }
  return ok(
    months.map((m, index) => ({
      contractId: contract.id,
      month: format(m.month, 'yyyy-MM-dd'),
      amountMinor: Number(m.floor + (extra.has(index) ? 1n : 0n)),
      currency: contract.currency.toUpperCase(),
      days: m.days,
    })),
  )
}
