import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { sample } from '../__fixtures__/samples.ts'
import type { CanonicalEntityName } from '../index.ts'
import { defineEntity, entities, externalId, isoInstant, ParseError, parseRecord } from '../index.ts'

const names = Object.keys(entities) as CanonicalEntityName[]
const event = defineEntity({ name: 'event', shape: { id: externalId, at: isoInstant } })

describe('parseRecord', () => {
  it.each(names)('accepts a valid %s and returns it in canonical form', (name) => {
    expect(parseRecord(entities[name], sample(name))._unsafeUnwrap()).toStrictEqual(sample(name))
  })

  it('rejects a day-first date with "expected ... YYYY-MM-DD", naming the field and the value', () => {
    const result = parseRecord(entities.registration, {
      ...sample('registration', 'r-9'),
      registrationDate: '15/01/2026',
    })
    const error = result._unsafeUnwrapErr()
    expect(error).toBeInstanceOf(ParseError)
    expect(error.reason).toBe('Invalid')
    expect(error.recordId).toBe('r-9')
    expect(error.issues).toEqual([
      {
        path: 'registrationDate',
        rule: 'iso_date',
        message: 'expected a calendar date YYYY-MM-DD',
        received: '15/01/2026',
      },
    ])
    expect(error.message).toBe(
      'invalid registration r-9: registrationDate: expected a calendar date YYYY-MM-DD (received "15/01/2026")',
    )
  })

  it.each([
    '2026-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-04-31',
    '2026-1-5',
    ' 2026-01-05',
    '2026-01-05T00:00',
  ])('rejects the non-date %j', (value) => {
    const result = parseRecord(entities.payment, { ...sample('payment'), paymentDate: value })
    expect(result._unsafeUnwrapErr().issues[0]).toMatchObject({ path: 'paymentDate', rule: 'iso_date' })
  })

  // Regression: years below 100 were rejected, because Date.UTC maps years 0-99 to 1900-1999.
  it.each(['2024-02-29', '2000-02-29', '1999-12-31', '0099-01-01'])('accepts the real date %s', (value) => {
    expect(parseRecord(entities.payment, { ...sample('payment'), paymentDate: value }).isOk()).toBe(true)
  })

  it('accepts exactly the dates JavaScript agrees exist (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (y, m, d) => {
          const value = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
          const date = new Date(`${value}T00:00:00Z`)
          const exists = !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value
          expect(parseRecord(entities.payment, { ...sample('payment'), paymentDate: value }).isOk()).toBe(
            exists,
          )
        },
      ),
    )
  })

  it('lists every issue of a record, not just the first', () => {
    const result = parseRecord(entities.payment, {
      id: 'p1',
      registrationId: '',
      amount: { minor: 10.5, currency: 'dollars' },
      paymentDate: '14.01.2026',
    })
    expect(result._unsafeUnwrapErr().issues.map((i) => [i.path, i.rule])).toEqual([
      ['registrationId', 'too_small'],
      ['amount.minor', 'invalid_type'],
      ['amount.currency', 'invalid_format'],
      ['paymentDate', 'iso_date'],
    ])
  })

  it('reports a missing required field as rule "missing" with nothing received', () => {
    const { studentId: _, ...rest } = sample('enrollment')
    const issue = parseRecord(entities.enrollment, rest)._unsafeUnwrapErr().issues[0]
    expect(issue).toMatchObject({ path: 'studentId', rule: 'missing', received: undefined })
    expect(parseRecord(entities.enrollment, rest)._unsafeUnwrapErr().message).toContain(
      'studentId: required field is missing',
    )
  })

  it.each([null, 'a string', 42, [sample('teacher')]])('rejects %j as a record', (input) => {
    expect(parseRecord(entities.teacher, input)._unsafeUnwrapErr().issues).toEqual([
      { path: '', rule: 'invalid_type', message: 'expected a record object', received: input },
    ])
  })

  it('ignores unknown keys, at the top and nested', () => {
    const input = {
      ...sample('registration'),
      Owner: { name: 'CRM user' },
      $approval_state: 'approved',
      paymentSchedule: [
        { number: 1, dueDate: '2026-01-15', amount: { minor: 1, currency: 'USD', rate: 1 }, note: 'x' },
      ],
    }
    const parsed = parseRecord(entities.registration, input)._unsafeUnwrap()
    expect(parsed).not.toHaveProperty('Owner')
    expect(parsed).not.toHaveProperty('$approval_state')
    expect(parsed.paymentSchedule).toStrictEqual([
      { number: 1, dueDate: '2026-01-15', amount: { minor: 1, currency: 'USD' } },
    ])
  })
})

describe('external id coercion', () => {
  it('turns a safe-integer number into its decimal string', () => {
    const parsed = parseRecord(entities.payment, {
      ...sample('payment', 'x'),
      id: 9007199254740991,
      registrationId: 42,
    })
    expect(parsed._unsafeUnwrap()).toMatchObject({ id: '9007199254740991', registrationId: '42' })
  })

  it('coerces any safe integer to exactly String(n) (property)', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(parseRecord(entities.teacher, { id: n, name: 'T' })._unsafeUnwrap().id).toBe(String(n))
      }),
    )
  })

  it('rejects an unsafe integer (digits already lost) with a message asking for a string', () => {
    // What JSON.parse makes of a 19-digit Zoho id sent as a number.
    const zohoIdAsNumber = JSON.parse('{"id":4876876000006600001}').id as number
    const issue = parseRecord(entities.teacher, { id: zohoIdAsNumber, name: 'T' })._unsafeUnwrapErr()
      .issues[0]
    expect(issue).toMatchObject({ path: 'id', rule: 'invalid_type', received: zohoIdAsNumber })
    expect(issue?.message).toMatch(/expected the id as a string: this number is not a safe integer/)
  })

  it.each([1.5, Number.NaN, -0.25])('rejects the fractional or non-finite number %s', (value) => {
    expect(parseRecord(entities.teacher, { id: value, name: 'T' })._unsafeUnwrapErr().issues[0]?.path).toBe(
      'id',
    )
  })

  it('trims ids and rejects empty ones', () => {
    expect(parseRecord(entities.teacher, { id: '  77 ', name: 'T' })._unsafeUnwrap().id).toBe('77')
    expect(
      parseRecord(entities.teacher, { id: '   ', name: 'T' })._unsafeUnwrapErr().issues[0],
    ).toMatchObject({
      path: 'id',
      rule: 'too_small',
    })
  })
})

describe('normalisation', () => {
  it('upper-cases currencies and rejects non-ISO codes', () => {
    const parsed = parseRecord(entities.program, {
      ...sample('program'),
      price: { minor: 5, currency: 'try' },
    })
    expect(parsed._unsafeUnwrap().price).toEqual({ minor: 5, currency: 'TRY' })
    const bad = parseRecord(entities.program, { ...sample('program'), price: { minor: 5, currency: 'TL' } })
    expect(bad._unsafeUnwrapErr().issues[0]).toMatchObject({ path: 'price.currency', received: 'TL' })
  })

  it('rejects money that is not integer minor units', () => {
    const issue = parseRecord(entities.payment, {
      ...sample('payment'),
      amount: { minor: 2 ** 60, currency: 'USD' },
    })
    expect(issue._unsafeUnwrapErr().issues[0]).toMatchObject({ path: 'amount.minor' })
  })

  it.each([
    ['2023-12-20T11:59:13+03:00', '2023-12-20T08:59:13.000Z'],
    ['2023-12-20T08:59:13Z', '2023-12-20T08:59:13.000Z'],
    ['2023-12-20T08:59Z', '2023-12-20T08:59:00.000Z'],
    ['2023-12-31T23:30:00.5-01:00', '2024-01-01T00:30:00.500Z'],
  ])('normalises the instant %s to UTC %s', (input, expected) => {
    expect(parseRecord(event, { id: 'e', at: input })._unsafeUnwrap().at).toBe(expected)
  })

  it.each(['2023-12-20T11:59:13', '2023-12-20', '20/12/2023 11:59', '2023-12-20T25:00:00Z'])(
    'rejects the instant %j without an offset or not a real time, with rule iso_instant',
    (input) => {
      expect(parseRecord(event, { id: 'e', at: input })._unsafeUnwrapErr().issues[0]).toMatchObject({
        path: 'at',
        rule: 'iso_instant',
        received: input,
      })
    },
  )

  it('trims required text, keeps non-blank optional text as given and reads blank optional text as null', () => {
    const parsed = parseRecord(entities.student, {
      ...sample('student'),
      firstName: '  Ayşe ',
      displayName: ' Ayşe Y. ',
      phone: ' ',
      gender: '',
    })
    expect(parsed._unsafeUnwrap()).toMatchObject({
      firstName: 'Ayşe',
      displayName: ' Ayşe Y. ',
      phone: null,
      gender: null,
    })
  })

  it('keeps an absent optional field absent and null as null', () => {
    const { phone: _, ...withoutPhone } = sample('teacher')
    const parsed = parseRecord(entities.teacher, { ...withoutPhone, email: null })._unsafeUnwrap()
    expect(parsed).not.toHaveProperty('phone')
    expect(parsed.email).toBeNull()
  })
})

describe('defineEntity', () => {
  it('sorts synced fields, excludes the key, and checks references', () => {
    const room = defineEntity({
      name: 'room',
      shape: { id: externalId, name: z.string(), campusId: externalId, capacity: z.number() },
      references: { campusId: 'campus' },
    })
    expect(room.fields).toEqual(['campusId', 'capacity', 'name'])
    expect(room.key).toBe('id')
    expect(() => defineEntity({ name: 'x', shape: { name: z.string() } })).toThrow(
      /must declare an "id" field/,
    )
    expect(() =>
      defineEntity({ name: 'x', shape: { id: externalId }, references: { parentId: 'x' } }),
    ).toThrow(/references "parentId", which is not one of its fields/)
  })
})
