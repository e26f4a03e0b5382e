import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { paymentRecord, programRecord, registrationRecord } from '../__fixtures__/records.ts'
import { defaultFieldMap } from '../map/default-field-map.ts'
import { withFieldMap } from '../map/with-field-map.ts'
import { readZohoRecord } from './read-record.ts'

const usd = withFieldMap(defaultFieldMap, { defaultCurrency: 'USD' })
const issuesOf = (result: { _unsafeUnwrapErr(): { issues: readonly unknown[] } }) =>
  result._unsafeUnwrapErr().issues

describe('per-record currency', () => {
  // Issue 15: a TRY payment of 1500 read as USD 1500 when the tenant default was USD.
  it('reads a TRY payment as TRY whatever the tenant default', () => {
    const record = { ...paymentRecord, Payment_Amount: 1500, Currency: 'TRY' }
    expect(readZohoRecord('payment', record, usd)._unsafeUnwrap().amount).toEqual({
      minor: 150000,
      currency: 'TRY',
    })
    expect(readZohoRecord('payment', { ...record, Currency: 'try' }).isOk()).toBe(true)
  })

  it("reads every money field of a registration, subform rows included, in the record's currency", () => {
    const registration = readZohoRecord(
      'registration',
      {
        ...registrationRecord,
        Currency: 'EUR',
        Program_Price: '4,400',
        Remaining_Amount: 1500.5,
        Payment_Schedule: [{ Installment_No: 1, Due_Date: '2024-10-01', Installment_Amount: '€ 1,450' }],
      },
      usd,
    )._unsafeUnwrap()
    expect([
      registration.programPrice,
      registration.remainingAmount,
      registration.paymentSchedule?.[0]?.amount,
    ]).toEqual([
      { minor: 440000, currency: 'EUR' },
      { minor: 150050, currency: 'EUR' },
      { minor: 145000, currency: 'EUR' },
    ])
  })

  it("reports amount text in another currency than the record's, naming both", () => {
    const issues = issuesOf(
      readZohoRecord(
        'registration',
        {
          ...registrationRecord,
          Currency: 'TRY',
          Program_Price: '4400$',
          Remaining_Amount: '1,500.50 TRY',
          Payment_Schedule: [{ Installment_No: 1, Due_Date: '2024-10-01', Installment_Amount: '100 EUR' }],
        },
        usd,
      ),
    )
    expect(issues).toEqual([
      {
        path: 'Program_Price',
        rule: 'currency',
        message: "the amount is in USD but the record's Currency is TRY",
        received: '4400$',
      },
      expect.objectContaining({
        path: 'Payment_Schedule.0.Installment_Amount',
        rule: 'currency',
        message: "the amount is in EUR but the record's Currency is TRY",
      }),
    ])
  })

  it('does not fall back to the tenant default when the record carries no valid currency', () => {
    const { Currency: _, ...absent } = paymentRecord
    const cases: [unknown, string][] = [
      [undefined, 'absent from the record'],
      [null, 'empty'],
      ['-None-', 'empty'],
      ['XX', '"XX", not an ISO-4217 code'],
      ['ABC', '"ABC", not an ISO-4217 code'],
    ]
    for (const [currency, found] of cases) {
      const record = currency === undefined ? absent : { ...absent, Currency: currency }
      expect(issuesOf(readZohoRecord('payment', record, usd))).toEqual([
        {
          path: 'Payment_Amount',
          rule: 'money',
          message: `no currency: BTEC_Payments amounts are in the record's own Currency, which is ${found} (the tenant default currency is not assumed for a module with a currency field)`,
          received: 1450,
        },
      ])
    }
  })

  it('takes an explicit marker when the record carries no currency, and reads null amounts without one', () => {
    const { Currency: _, ...absent } = paymentRecord
    expect(
      readZohoRecord('payment', { ...absent, Payment_Amount: '1,500 TRY' })._unsafeUnwrap().amount,
    ).toEqual({ minor: 150000, currency: 'TRY' })
    const { Currency: __, ...registration } = registrationRecord
    const read = readZohoRecord('registration', {
      ...registration,
      Program_Price: null,
      Remaining_Amount: '-None-',
      Payment_Schedule: [],
    })
    expect(read._unsafeUnwrap()).toMatchObject({ programPrice: null, remainingAmount: null })
  })

  it('uses the tenant default in a module without a currency field, and refuses to guess without one', () => {
    expect(readZohoRecord('program', programRecord, usd)._unsafeUnwrap().unitPrice).toEqual({
      minor: 440000,
      currency: 'USD',
    })
    expect(issuesOf(readZohoRecord('program', programRecord))).toEqual([
      expect.objectContaining({
        path: 'Program_Price',
        message: expect.stringContaining('no defaultCurrency'),
      }),
      expect.objectContaining({ path: 'Unit_Price', message: expect.stringContaining('no defaultCurrency') }),
    ])
  })

  it('reads any whole amount in any of the school currencies as that currency', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('USD', 'TRY', 'EUR', 'GBP'),
        fc.integer({ min: 1, max: 10 ** 9 }),
        (c, n) => {
          const read = readZohoRecord('payment', { ...paymentRecord, Currency: c, Payment_Amount: n }, usd)
          expect(read._unsafeUnwrap().amount).toEqual({ minor: n * 100, currency: c })
        },
      ),
    )
  })
})
