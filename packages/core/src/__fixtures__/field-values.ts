/**
 * fast-check arbitraries of valid, already-canonical values for every synced field of every shipped
 * entity, covering the value kinds that fingerprints must tell apart: absent, `null`, `0`, case-only
 * variants, nested objects with missing keys, and arrays. {@link ABSENT} means "delete the key".
 */
import fc from 'fast-check'
import type { CanonicalEntityName } from '../index.ts'
import {
  classStatus,
  gradeLetter,
  paymentKind,
  registrationStatus,
  requestStatus,
  studentStatus,
} from '../index.ts'
import { pool } from './samples.ts'

/** Marks a field that must be absent from the record (not `undefined`, not `null`: missing). */
export const ABSENT: unique symbol = Symbol('absent')

type Value = unknown
type FieldArbs = Readonly<Record<string, fc.Arbitrary<Value>>>

const nullish = fc.constantFrom<Value>(ABSENT, null)

// Case-only pairs are listed explicitly so that every run has a good chance of hitting one.
const cased = fc.constantFrom('Ali', 'ali', 'ALI', 'aLi', 'İzmir', 'izmir', 'IZMIR')

/** Required trimmed non-empty text (the `text` primitive trims, so only trimmed values are canonical). */
const requiredText = fc.oneof(
  cased,
  fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.length > 0 && s.trim() === s),
)

// A blank string is not a canonical value of an optional field: it reads as null (issue 8.3).
const notBlank = (s: string) => s.trim() !== ''

/** `optionalText`: absent, null and any non-blank string (not trimmed: " a" and "a" differ). */
const optionalText = fc.oneof(
  nullish,
  fc.constantFrom(' a', '0', '-'),
  cased,
  fc.string({ maxLength: 12 }).filter(notBlank),
)

const isoDate = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10))

const optionalDate = fc.oneof(nullish, isoDate)

/** An `isoInstant` in its canonical (UTC, milliseconds) form. */
const instant = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString())

const money = fc.record({
  minor: fc.oneof(fc.constantFrom(0, 1, -1, 100), fc.integer({ min: -1_000_000_000, max: 1_000_000_000 })),
  currency: fc.constantFrom('USD', 'TRY', 'EUR', 'GBP'),
})

const optionalMoney = fc.oneof(nullish, money)

/** A payment's amount is strictly positive (the `kind` says which way the money went). */
const positiveMoney = fc.record({
  minor: fc.oneof(fc.constantFrom(1, 100), fc.integer({ min: 1, max: 1_000_000_000 })),
  currency: fc.constantFrom('USD', 'TRY', 'EUR', 'GBP'),
})

const email = fc.constantFrom(
  'ali@example.com',
  'Ali@example.com',
  'ALI@EXAMPLE.COM',
  'veli.demir@school.edu.tr',
  'x@y.io',
)
const optionalEmail = fc.oneof(nullish, email)

const ref = (entity: keyof typeof pool) => fc.constantFrom<Value>(...pool[entity])
const optionalRef = (entity: keyof typeof pool) => fc.oneof(nullish, ref(entity))

const enumOf = (values: readonly string[]) => fc.constantFrom<Value>(...values)

// -0 is not a JSON value (JSON.stringify(-0) === "0"), so it is not a distinct canonical value.
const noNegativeZero = (n: number) => (Object.is(n, -0) ? 0 : n)

const installment = fc.record(
  {
    number: fc.integer({ min: 1, max: 24 }),
    dueDate: isoDate,
    amount: money,
    status: fc.oneof(fc.constant(null), fc.constantFrom('due', 'Due', 'paid')),
    paidDate: fc.oneof(fc.constant(null), isoDate),
  },
  { requiredKeys: ['number', 'dueDate', 'amount'] },
)

const learningOutcome = fc.record(
  {
    code: fc.constantFrom('LO1', 'lo1', 'LO2', 'LO3'),
    title: fc.oneof(
      fc.constant(null),
      fc.constantFrom('Plan', 'plan'),
      fc.string({ maxLength: 100 }).filter(notBlank),
    ),
    definition: fc.oneof(fc.constant(null), fc.constantFrom('Define', 'define')),
    score: fc.oneof(
      fc.constant(null),
      fc.constantFrom(0, 1, 2, 4),
      fc.double({ noNaN: true, noDefaultInfinity: true, min: 0, max: 4 }).map(noNegativeZero),
    ),
    feedback: fc.oneof(fc.constant(null), fc.constantFrom('ok', 'OK')),
  },
  { requiredKeys: ['code'] },
)

const criterion = fc.record({
  code: fc.constantFrom('P1', 'P2', 'M1', 'D1', 'P19'),
  description: fc.constantFrom('', 'Explain', 'explain', 'Evaluate'),
})

/** Per entity, per synced field: an arbitrary of valid canonical values. Must cover every synced field. */
export const fieldValues: Readonly<Record<CanonicalEntityName, FieldArbs>> = {
  student: {
    code: optionalText,
    firstName: requiredText,
    lastName: requiredText,
    displayName: optionalText,
    email: optionalEmail,
    academicEmail: optionalEmail,
    phone: optionalText,
    birthDate: optionalDate,
    gender: optionalText,
    nationality: optionalText,
    nationalNumber: optionalText,
    address: optionalText,
    city: optionalText,
    country: optionalText,
    status: enumOf(studentStatus.options),
    programId: optionalRef('program'),
    studyMode: optionalText,
    currency: optionalText,
  },
  teacher: {
    name: requiredText,
    email: optionalEmail,
    academicEmail: optionalEmail,
    phone: optionalText,
  },
  program: {
    code: optionalText,
    name: requiredText,
    price: optionalMoney,
    unitPrice: optionalMoney,
    status: optionalText,
    type: optionalText,
    major: optionalText,
    subMajor: optionalText,
  },
  unit: {
    name: requiredText,
    code: optionalText,
    number: optionalText,
    credit: optionalText,
    level: optionalText,
    major: optionalText,
    serviceType: optionalText,
    programId: optionalRef('program'),
    criteria: fc.oneof(fc.constant<Value>(ABSENT), fc.array(criterion, { maxLength: 3 })),
    gradingTemplate: optionalText,
  },
  class: {
    code: optionalText,
    name: requiredText,
    shortName: optionalText,
    unitId: optionalRef('unit'),
    programId: optionalRef('program'),
    teacherId: optionalRef('teacher'),
    status: enumOf(classStatus.options),
    startDate: optionalDate,
    endDate: optionalDate,
    term: optionalText,
    year: optionalText,
    studyMode: optionalText,
  },
  enrollment: {
    code: optionalText,
    studentId: ref('student'),
    classId: ref('class'),
    startDate: optionalDate,
    endDate: optionalDate,
    type: fc.oneof(nullish, enumOf(['normal', 'recording', 'self-study', 'not-graded'])),
  },
  registration: {
    code: optionalText,
    studentId: ref('student'),
    programId: ref('program'),
    registrationDate: isoDate,
    status: enumOf(registrationStatus.options),
    programPrice: optionalMoney,
    remainingAmount: optionalMoney,
    discount: fc.oneof(nullish, fc.boolean()),
    discountPercent: fc.oneof(
      nullish,
      fc.constantFrom(0, 10, 100),
      fc.double({ noNaN: true, min: 0, max: 100 }).map(noNegativeZero),
    ),
    studyMode: optionalText,
    studyLanguage: optionalText,
    intake: optionalText,
    registrationNumber: optionalText,
    paymentSchedule: fc.oneof(fc.constant<Value>(ABSENT), fc.array(installment, { maxLength: 4 })),
  },
  payment: {
    code: optionalText,
    registrationId: ref('registration'),
    studentId: optionalRef('student'),
    kind: fc.oneof(nullish, enumOf(paymentKind.options)),
    amount: positiveMoney,
    paymentDate: isoDate,
    method: optionalText,
    type: optionalText,
    installmentNumber: fc.oneof(nullish, fc.constantFrom(0, 1, -1), fc.integer({ min: -50, max: 50 })),
    voucherNumber: optionalText,
    note: optionalText,
  },
  grade: {
    code: optionalText,
    studentId: ref('student'),
    classId: ref('class'),
    unitCode: optionalText,
    grade: fc.oneof(nullish, enumOf(gradeLetter.options)),
    status: optionalText,
    attemptNumber: fc.oneof(nullish, fc.integer({ min: 1, max: 5 })),
    attemptDate: optionalDate,
    feedback: optionalText,
    graderName: optionalText,
    internalVerifierName: optionalText,
    compositeKey: optionalText,
    learningOutcomes: fc.oneof(fc.constant<Value>(ABSENT), fc.array(learningOutcome, { maxLength: 3 })),
  },
  request: {
    code: optionalText,
    studentId: ref('student'),
    type: optionalText,
    description: optionalText,
    status: fc.oneof(nullish, enumOf(requestStatus.options)),
    requestDate: fc.oneof(nullish, instant),
  },
}

/** A copy of `record` with `field` set to `value` (or removed when `value` is {@link ABSENT}). */
export function withField(record: Readonly<Record<string, unknown>>, field: string, value: unknown) {
  const copy: Record<string, unknown> = { ...record }
  if (value === ABSENT) delete copy[field]
  else copy[field] = value
  return copy
}
