import { describe, expect, it } from 'vitest'
import { enrollmentRecord, registrationRecord, studentRecord, unitRecord } from '../__fixtures__/records.ts'
import { defaultFieldMap } from '../map/default-field-map.ts'
import { withFieldMap } from '../map/with-field-map.ts'
import { readZohoRecord } from './read-record.ts'
import { noneAsNull, ZOHO_NONE } from './zoho-none.ts'

const usd = withFieldMap(defaultFieldMap, { defaultCurrency: 'USD' })

describe('-None-', () => {
  it('is null, and nothing else is', () => {
    expect(noneAsNull(ZOHO_NONE)).toBeNull()
    for (const value of ['None', '-none-', '', 0, null, undefined]) expect(noneAsNull(value)).toBe(value)
  })

  // Issue 15: `-None-` was rejected on translated picklists and stored as the string on text-read ones.
  it('reads as null on translated picklists, text-read picklists, the currency field and money', () => {
    expect(
      readZohoRecord('student', { ...studentRecord, Gender: ZOHO_NONE, Currency: ZOHO_NONE })._unsafeUnwrap(),
    ).toMatchObject({ gender: null, currency: null })
    expect(
      readZohoRecord('enrollment', { ...enrollmentRecord, Enrollment_Type: ZOHO_NONE })._unsafeUnwrap().type,
    ).toBeNull()
    const registration = readZohoRecord(
      'registration',
      {
        ...registrationRecord,
        Study_Mode: ZOHO_NONE,
        Remaining_Amount: ZOHO_NONE,
        Payment_Schedule: [
          {
            Installment_No: 1,
            Due_Date: '2024-10-01',
            Installment_Amount: 100,
            Installment_Status: ZOHO_NONE,
          },
        ],
      },
      usd,
    )._unsafeUnwrap()
    expect(registration).toMatchObject({
      studyMode: null,
      remainingAmount: null,
      paymentSchedule: [
        { number: 1, dueDate: '2024-10-01', amount: { minor: 10000, currency: 'USD' }, status: null },
      ],
    })
  })

  it('skips a criterion set to -None- like an empty one', () => {
    const unit = readZohoRecord('unit', { ...unitRecord, P1_description: ZOHO_NONE })._unsafeUnwrap()
    expect(unit.criteria?.map((c) => c.code)).not.toContain('P1')
  })

  it('leaves a required field -None- INVALID as a missing value, not as an unknown option', () => {
    const issues = readZohoRecord('student', { ...studentRecord, Status: ZOHO_NONE })._unsafeUnwrapErr()
      .issues
    expect(issues).toEqual([expect.objectContaining({ path: 'Status', received: ZOHO_NONE })])
    expect(issues[0]?.rule).not.toBe('picklist')
  })
})
