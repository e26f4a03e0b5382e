import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseMoney, toMajorUnits } from './money.ts'

const value = (input: unknown, currency?: string) => {
  const parsed = parseMoney(input, currency)
  return parsed.ok ? parsed.value : parsed.message
}

describe('parseMoney', () => {
  it.each([
    ['4400$', undefined, { minor: 440000, currency: 'USD' }],
    ['$4,400', undefined, { minor: 440000, currency: 'USD' }],
    ['1,500.50 USD', undefined, { minor: 150050, currency: 'USD' }],
    ['USD 99', undefined, { minor: 9900, currency: 'USD' }],
    ['1500.5', 'EUR', { minor: 150050, currency: 'EUR' }],
    ['€ 12.30', undefined, { minor: 1230, currency: 'EUR' }],
    [
      '1 250 TRY',
      undefined,
      'expected a money amount such as "4400$", "$1,500.50" or "1,500.50 USD" (comma = thousands separator, dot = decimal point)',
    ],
    ['-250.00 gbp', undefined, { minor: -25000, currency: 'GBP' }],
    ['1200 JPY', undefined, { minor: 1200, currency: 'JPY' }],
    ['12.5 JPY', undefined, 'more decimals than JPY has (0): nothing is rounded away'],
    ['1.500,50', 'EUR', expect.stringContaining('comma = thousands separator')],
    ['10 USD 10', 'USD', expect.stringContaining('expected a money amount')],
    ['10$ EUR', undefined, expect.stringContaining('expected a money amount')],
    ['$10 EUR', undefined, 'two different currencies (USD and EUR)'],
    ['10 XYZ', undefined, 'unknown currency code "XYZ"'],
    ['10', undefined, expect.stringContaining('no currency')],
    [4400, 'usd', { minor: 440000, currency: 'USD' }],
    [0.29, 'USD', { minor: 29, currency: 'USD' }],
    [1e21, 'USD', 'expected an amount in plain decimal notation'],
    ['12345678901234.5 USD', undefined, { minor: 1234567890123450, currency: 'USD' }],
    ['-0.05 USD', undefined, { minor: -5, currency: 'USD' }],
    ['123,456,789,012,345.67 USD', undefined, 'amount too large for exact minor units'],
    [null, 'USD', null],
    ['', 'USD', null],
    [true, 'USD', 'expected a number or money text'],
  ] as const)('case %#: %s', (input, currency, expected) => {
    expect(value(input, currency)).toEqual(expected)
  })

  it('reads any cent amount exactly, as number and as text, and writes it back', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (cents) => {
        const major = cents / 100
        const fromNumber = parseMoney(major, 'USD')
        expect(fromNumber).toEqual({ ok: true, value: { minor: cents, currency: 'USD' } })
        const abs = Math.abs(cents)
        const grouped = `${cents < 0 ? '-' : ''}${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')} USD`
        expect(parseMoney(grouped, undefined)).toEqual({ ok: true, value: { minor: cents, currency: 'USD' } })
        expect(toMajorUnits({ minor: cents, currency: 'USD' })).toBe(major)
      }),
    )
  })

  it('never throws, and answers a value or a message for any text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'0123456789,.- $€USDEuRx£₺'.split('')), maxLength: 16 }),
        (text) => {
          const parsed = parseMoney(text, 'USD')
          if (parsed.ok) expect(parsed.value === null || Number.isSafeInteger(parsed.value.minor)).toBe(true)
          else expect(parsed.message.length).toBeGreaterThan(0)
        },
      ),
    )
  })
})
