import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { monthlyAccruals } from './accruals.ts'

const day = (n: number) => new Date(Date.UTC(2023, 0, 1) + n * 86_400_000).toISOString().slice(0, 10)

describe('monthlyAccruals', () => {
  it('adds up exactly to the contract for any period and amount, each month within one minor unit of its exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1500 }),
        fc.integer({ min: 0, max: 1200 }),
        fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
        (startOffset, length, amountMinor) => {
          const start = day(startOffset)
          const end = day(startOffset + length)
          const accruals = monthlyAccruals({
            id: 'c',
            start,
            end,
            amountMinor,
            currency: 'usd',
          })._unsafeUnwrap()
          const total = accruals.reduce((sum, a) => sum + BigInt(a.amountMinor), 0n)
          expect(total).toBe(BigInt(amountMinor))
          expect(accruals.reduce((n, a) => n + a.days, 0)).toBe(length + 1)
          expect(accruals[0]?.month).toBe(`${start.slice(0, 7)}-01`)
          expect(accruals.at(-1)?.month).toBe(`${end.slice(0, 7)}-01`)
          for (const a of accruals) {
            expect(a.currency).toBe('USD')
            // |a - amount * days / totalDays| < 1, in exact integer arithmetic.
            const exactTimesTotal = BigInt(amountMinor) * BigInt(a.days)
            const diff = BigInt(a.amountMinor) * BigInt(length + 1) - exactTimesTotal
            expect(diff < BigInt(length + 1) && diff > -BigInt(length + 1)).toBe(true)
          }
        },
      ),
    )
  })

  it("prorates by days at the start edge: a period from the 16th gets 16 of January's days", () => {
    const r = monthlyAccruals({
      id: 'c-1',
      start: '2026-01-16',
      end: '2026-03-15',
      amountMinor: 100_000,
      currency: 'USD',
    })
    expect(r._unsafeUnwrap()).toEqual([
      { contractId: 'c-1', month: '2026-01-01', amountMinor: 27_119, currency: 'USD', days: 16 },
      { contractId: 'c-1', month: '2026-02-01', amountMinor: 47_457, currency: 'USD', days: 28 },
      { contractId: 'c-1', month: '2026-03-01', amountMinor: 25_424, currency: 'USD', days: 15 },
    ])
  })

  it('prorates by days at the end edge and gives the leftover unit to the largest remainder', () => {
    // 100 over 31 + 29 + 1 days (leap February, ends on 1 March): exact 50.82 / 47.54 / 1.64; floors 50 / 47 / 1
    // leave 2 units, which go to the largest remainders (.82 and .64).
    const r = monthlyAccruals({
      id: 'c',
      start: '2024-01-01',
      end: '2024-03-01',
      amountMinor: 100,
      currency: 'EUR',
    })._unsafeUnwrap()
    expect(r.map((a) => [a.month, a.days, a.amountMinor])).toEqual([
      ['2024-01-01', 31, 51],
      ['2024-02-01', 29, 47],
      ['2024-03-01', 1, 2],
    ])
  })

  it('splits whole months by their lengths and breaks remainder ties towards earlier months', () => {
    const r = monthlyAccruals({
      id: 'c',
      start: '2026-04-01',
      end: '2026-07-31',
      amountMinor: 2,
      currency: 'USD',
    })._unsafeUnwrap()
    // 30, 31, 30, 31 of 122 days: exact 0.49, 0.51, 0.49, 0.51 -> the two 31-day months get the units.
    expect(r.map((a) => a.amountMinor)).toEqual([0, 1, 0, 1])
    const one = monthlyAccruals({
      id: 'c',
      start: '2026-05-10',
      end: '2026-05-10',
      amountMinor: 7,
      currency: 'USD',
    })._unsafeUnwrap()
    expect(one).toEqual([{ contractId: 'c', month: '2026-05-01', amountMinor: 7, currency: 'USD', days: 1 }])
  })

  it('refuses a period that ends before it starts, a non-date and a fractional amount, naming field and value', () => {
    const bad = (c: Partial<Parameters<typeof monthlyAccruals>[0]>) =>
      monthlyAccruals({
        id: 'c-9',
        start: '2026-01-01',
        end: '2026-02-01',
        amountMinor: 1,
        currency: 'USD',
        ...c,
      })._unsafeUnwrapErr()
    expect(bad({ end: '2025-12-31' }).message).toBe(
      'contract "c-9": end must not be before start (received "2025-12-31")',
    )
    expect(bad({ start: '2026-02-30' }).message).toBe(
      'contract "c-9": start must be a calendar date YYYY-MM-DD (received "2026-02-30")',
    )
    expect(bad({ amountMinor: 1.5 }).message).toBe(
      'contract "c-9": amountMinor must be a non-negative safe integer of minor units (received 1.5)',
    )
    expect(bad({ amountMinor: 1.5 }).reason).toBe('Invalid')
  })
})
