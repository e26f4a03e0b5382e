import { addMonths } from 'date-fns/addMonths'
import { format } from 'date-fns/format'
import { isValid } from 'date-fns/isValid'
import { parse } from 'date-fns/parse'
import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import { StepError } from './step-error.ts'

/** One calendar month to process: `start` inclusive, `end` exclusive, both `YYYY-MM-01`. */
export interface Month {
  readonly start: string
  readonly end: string
}

/**
 * What a caller asks for (seed 004's `--year`, `--start-date`, `--end-date`): `start` inclusive and `end`
 * exclusive, both the first of a month; without them, the whole of `year`, which defaults to the current
 * year of the injected clock.
 */
export interface MonthRangeInput {
  readonly start?: string | undefined
  readonly end?: string | undefined
  readonly year?: number | undefined
}

/** A resolved range: its months in order, and its bounds. */
export interface MonthRange {
  readonly start: string
  readonly end: string
  readonly months: readonly Month[]
}

const DAY = 'yyyy-MM-dd'

function firstOfMonth(label: 'start' | 'end', value: string): Result<Date, StepError> {
  const date = parse(value, DAY, new Date(0))
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !isValid(date) || format(date, DAY) !== value) {
    return err(new StepError('InvalidRange', `${label}: expected a date YYYY-MM-DD (received "${value}")`))
  }
  if (date.getDate() !== 1) {
    return err(
      new StepError(
        'InvalidRange',
        `${label}: expected the first day of a month, like ${format(date, 'yyyy-MM-01')} (received "${value}")`,
      ),
    )
  }
  return ok(date)
}

/**
 * Resolves a month range. `start` and `end` override `year`; both or neither must be given. The months run
 * from `start` up to, not including, `end`: 2024-03-01 .. 2024-07-01 is March, April, May and June.
 *
 * @example
 * ```ts
 * monthRange({ start: '2024-03-01', end: '2024-07-01' }, () => new Date())
 * // ok({ start: '2024-03-01', end: '2024-07-01', months: [{ start: '2024-03-01', end: '2024-04-01' }, ...] })
 * ```
 */
export function monthRange(input: MonthRangeInput, now: () => Date): Result<MonthRange, StepError> {
  const { start, end } = input
  if ((start === undefined) !== (end === undefined)) {
    const missing = start === undefined ? 'start' : 'end'
    return err(
      new StepError(
        'InvalidRange',
        `${missing}: required when ${missing === 'start' ? 'end' : 'start'} is given`,
      ),
    )
  }
  let from: Date
  let to: Date
  if (start !== undefined && end !== undefined) {
    const a = firstOfMonth('start', start)
    if (a.isErr()) return err(a.error)
    const b = firstOfMonth('end', end)
    if (b.isErr()) return err(b.error)
    if (b.value <= a.value) {
      return err(
        new StepError('InvalidRange', `end: expected a month after start ${start} (received "${end}")`),
      )
    }
    from = a.value
    to = b.value
  } else {
    const year = input.year ?? now().getFullYear()
    if (!Number.isInteger(year) || year < 1900 || year > 9999) {
      return err(new StepError('InvalidRange', `year: expected a year from 1900 to 9999 (received ${year})`))
    }
    from = new Date(year, 0, 1)
    to = new Date(year + 1, 0, 1)
  }
  const months: Month[] = []
  for (let m = from; m < to; m = addMonths(m, 1)) {
    months.push({ start: format(m, DAY), end: format(addMonths(m, 1), DAY) })
  }
  return ok({ start: format(from, DAY), end: format(to, DAY), months })
}
