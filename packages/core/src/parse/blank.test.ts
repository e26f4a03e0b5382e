import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sample } from '../__fixtures__/samples.ts'
import { blankAsNull, entities, fingerprint, isBlank, parseRecord } from '../index.ts'

const BLANKS = ['', ' ', '   ', '\t', '\n', ' \r\n ', '\u00a0', '\u2003']

describe('isBlank / blankAsNull', () => {
  it.each(BLANKS)('reads %j as blank, and as null', (value) => {
    expect(isBlank(value)).toBe(true)
    expect(blankAsNull(value)).toBeNull()
  })

  it.each([' a ', '0', '-', 0, false, null, undefined, {}, []].map((v) => [v]))(
    'leaves %j as it is',
    (value) => {
      expect(isBlank(value)).toBe(false)
      expect(blankAsNull(value)).toBe(value)
    },
  )

  it('is blank exactly when trimming leaves nothing (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\u00a0', 'a', '0', '-') }), (value) => {
        expect(isBlank(value)).toBe(value.trim() === '')
      }),
    )
  })
})

// Issue 8.3: Zoho sends a blank merge field as "": `Email=""` made the student INVALID ("expected an
// e-mail address (received "")") although the email is optional.
describe('parseRecord: blank optional fields read as null', () => {
  it.each(BLANKS)('reads optional text, e-mail, phone, date and reference %j as null', (blank) => {
    const parsed = parseRecord(entities.student, {
      ...sample('student'),
      email: blank,
      academicEmail: blank,
      phone: blank,
      birthDate: blank,
      gender: blank,
      programId: blank,
    })
    expect(parsed._unsafeUnwrap()).toMatchObject({
      email: null,
      academicEmail: null,
      phone: null,
      birthDate: null,
      gender: null,
      programId: null,
    })
  })

  it('reads blanks as null in every entity, nested rows included', () => {
    const teacher = parseRecord(entities.teacher, { ...sample('teacher'), email: '', phone: ' ' })
    expect(teacher._unsafeUnwrap()).toMatchObject({ email: null, phone: null })
    const registration = parseRecord(entities.registration, {
      ...sample('registration'),
      code: '',
      paymentSchedule: [
        {
          number: 1,
          dueDate: '2026-01-15',
          amount: { minor: 1, currency: 'USD' },
          status: ' ',
          paidDate: '',
        },
      ],
    })
    expect(registration._unsafeUnwrap()).toMatchObject({
      code: null,
      paymentSchedule: [{ status: null, paidDate: null }],
    })
    const grade = parseRecord(entities.grade, {
      ...sample('grade'),
      attemptDate: '',
      learningOutcomes: [{ code: 'LO1', title: ' ', definition: '', feedback: '\n' }],
    })
    expect(grade._unsafeUnwrap()).toMatchObject({
      attemptDate: null,
      learningOutcomes: [{ code: 'LO1', title: null, definition: null, feedback: null }],
    })
    const schoolClass = parseRecord(entities.class, { ...sample('class'), startDate: ' ', teacherId: '' })
    expect(schoolClass._unsafeUnwrap()).toMatchObject({ startDate: null, teacherId: null })
  })

  it('gives a blank field the fingerprint of null, so "" then null is UNCHANGED', () => {
    const blank = parseRecord(entities.student, { ...sample('student'), phone: '  ' })._unsafeUnwrap()
    const none = parseRecord(entities.student, { ...sample('student'), phone: null })._unsafeUnwrap()
    expect(fingerprint(entities.student, blank)).toBe(fingerprint(entities.student, none))
  })

  it('keeps non-blank optional text as given, untrimmed', () => {
    const parsed = parseRecord(entities.student, { ...sample('student'), gender: ' F ', phone: '0' })
    expect(parsed._unsafeUnwrap()).toMatchObject({ gender: ' F ', phone: '0' })
  })

  it('still refuses a blank required field, naming it', () => {
    const result = parseRecord(entities.student, { ...sample('student'), firstName: ' ' })
    expect(result._unsafeUnwrapErr().issues).toEqual([
      expect.objectContaining({ path: 'firstName', message: 'expected a non-empty string', received: ' ' }),
    ])
    const date = parseRecord(entities.payment, { ...sample('payment'), paymentDate: '' })
    expect(date._unsafeUnwrapErr().issues).toEqual([
      expect.objectContaining({ path: 'paymentDate', rule: 'iso_date', received: '' }),
    ])
  })

  it('still refuses a non-blank malformed e-mail or date', () => {
    const result = parseRecord(entities.student, { ...sample('student'), email: 'x', birthDate: '1/2/2001' })
    expect(result._unsafeUnwrapErr().issues.map((i) => [i.path, i.received])).toEqual([
      ['email', 'x'],
      ['birthDate', '1/2/2001'],
    ])
  })
})
