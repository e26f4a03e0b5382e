import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { monthRange } from './month-range.ts'

const today = () => new Date(2026, 10, 30)

describe('monthRange', () => {
  it('runs from start inclusive to end exclusive (seed 004: Mar-Jul 2024 is March to June)', () => {
    const range = monthRange({ start: '2024-03-01', end: '2024-07-01' }, today)._unsafeUnwrap()
    expect(range.months).toEqual([
      { start: '2024-03-01', end: '2024-04-01' },
      { start: '2024-04-01', end: '2024-05-01' },
      { start: '2024-05-01', end: '2024-06-01' },
      { start: '2024-06-01', end: '2024-07-01' },
    ])
    expect([range.start, range.end]).toEqual(['2024-03-01', '2024-07-01'])
  })

  it('crosses a year end', () => {
    const range = monthRange({ start: '2024-11-01', end: '2025-02-01' }, today)._unsafeUnwrap()
    expect(range.months.map((m) => m.start)).toEqual(['2024-11-01', '2024-12-01', '2025-01-01'])
  })

  it('defaults to the whole current year of the injected clock', () => {
    const range = monthRange({}, today)._unsafeUnwrap()
    expect(range.months).toHaveLength(12)
    expect([range.start, range.end]).toEqual(['2026-01-01', '2027-01-01'])
  })

  it('takes a year, and start/end override it', () => {
    expect(monthRange({ year: 2024 }, today)._unsafeUnwrap().start).toBe('2024-01-01')
    const both = monthRange({ year: 2020, start: '2024-03-01', end: '2024-04-01' }, today)._unsafeUnwrap()
    expect(both.months).toEqual([{ start: '2024-03-01', end: '2024-04-01' }])
  })

  it.each([
    [
      { start: '2024-03-15', end: '2024-07-01' },
      'start: expected the first day of a month, like 2024-03-01 (received "2024-03-15")',
    ],
    [
      { start: '2024-03-01', end: '2024-07-02' },
      'end: expected the first day of a month, like 2024-07-01 (received "2024-07-02")',
    ],
    [{ start: '2024-02-30', end: '2024-07-01' }, 'start: expected a date YYYY-MM-DD (received "2024-02-30")'],
    [{ start: '01/03/2024', end: '2024-07-01' }, 'start: expected a date YYYY-MM-DD (received "01/03/2024")'],
    [
      { start: '2024-07-01', end: '2024-07-01' },
      'end: expected a month after start 2024-07-01 (received "2024-07-01")',
    ],
    [{ start: '2024-03-01' }, 'end: required when start is given'],
    [{ end: '2024-03-01' }, 'start: required when end is given'],
    [{ year: 20245 }, 'year: expected a year from 1900 to 9999 (received 20245)'],
  ])('refuses %j with a message naming the value', (input, message) => {
    const error = monthRange(input, today)._unsafeUnwrapErr()
    expect(error.reason).toBe('InvalidRange')
    expect(error.message).toBe(message)
  })

  it('gives one month per calendar month between any two firsts of a month', () => {
    const first = fc.record({
      year: fc.integer({ min: 1990, max: 2100 }),
      month: fc.integer({ min: 0, max: 11 }),
    })
    const iso = (y: number, m: number) => `${y}-${String(m + 1).padStart(2, '0')}-01`
    fc.assert(
      fc.property(first, fc.integer({ min: 1, max: 60 }), ({ year, month }, length) => {
        const endIndex = year * 12 + month + length
        const end = iso(Math.floor(endIndex / 12), endIndex % 12)
        const range = monthRange({ start: iso(year, month), end }, today)._unsafeUnwrap()
        expect(range.months).toHaveLength(length)
        expect(range.months[0]?.start).toBe(iso(year, month))
        expect(range.months.at(-1)?.end).toBe(end)
        for (let i = 1; i < range.months.length; i++) {
          expect(range.months[i]?.start).toBe(range.months[i - 1]?.end)
        }
      }),
    )
  })
})
