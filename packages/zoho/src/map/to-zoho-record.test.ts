import { describe, expect, it } from 'vitest'
import { defaultFieldMap } from './default-field-map.ts'
import { toZohoRecord } from './to-zoho-record.ts'
import { withFieldMap } from './with-field-map.ts'

const usd = withFieldMap(defaultFieldMap, { defaultCurrency: 'USD' })
const payment = {
  id: '5398830000131000701',
  registrationId: '5398830000131000601',
  amount: { minor: 150000, currency: 'TRY' },
  paymentDate: '2025-09-28',
}

describe('toZohoRecord', () => {
  it("sends the amounts' currency in the record's currency field", () => {
    expect(toZohoRecord('payment', payment, usd)).toEqual({
      Registration_ID: { id: '5398830000131000601' },
      Payment_Amount: 1500,
      Payment_Date: '2025-09-28',
      Currency: 'TRY',
    })
    const registration = {
      programPrice: { minor: 440000, currency: 'EUR' },
      paymentSchedule: [{ number: 1, dueDate: '2025-10-01', amount: { minor: 220000, currency: 'EUR' } }],
    }
    expect(toZohoRecord('registration', registration, usd)).toMatchObject({ Currency: 'EUR' })
  })

  it('refuses amounts in several currencies, or not in the default of a module without a currency field', () => {
    const mixed = {
      programPrice: { minor: 440000, currency: 'EUR' },
      paymentSchedule: [{ number: 1, dueDate: '2025-10-01', amount: { minor: 220000, currency: 'TRY' } }],
    }
    expect(() => toZohoRecord('registration', mixed, usd)).toThrow(
      'a BTEC_Registrations record holds one currency, got amounts in EUR, TRY',
    )
    const program = { id: '1', name: 'HND', price: { minor: 100, currency: 'TRY' } }
    expect(() => toZohoRecord('program', program, usd)).toThrow(
      'Products has no currency field, so its amounts are in USD; cannot write TRY',
    )
    expect(toZohoRecord('program', { ...program, price: { minor: 100, currency: 'USD' } }, usd)).toEqual({
      Product_Name: 'HND',
      Program_Price: 1,
    })
  })

  it('writes the first Zoho value of a picklist, never one mapped to null', () => {
    const grade = { studentId: '1', classId: '2', grade: 'P', compositeKey: 'k' }
    expect(toZohoRecord('grade', grade, usd)).toMatchObject({ Grade: 'P' })
    expect(toZohoRecord('grade', { ...grade, grade: null }, usd)).toMatchObject({ Grade: null })
  })
})
