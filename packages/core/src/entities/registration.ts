import * as z from 'zod'
import { defineEntity } from '../types/entity.ts'
import { money } from '../types/money.ts'
import { externalId, isoDate, optionalDate, optionalText } from '../types/primitives.ts'

/** One instalment of a registration's payment schedule. */
export const installment = z.object({
  number: z.number().int({ message: 'expected an integer instalment number' }).positive(),
  dueDate: isoDate,
  amount: money,
  status: optionalText,
  paidDate: optionalDate,
})

/** Status of a registration. */
export const registrationStatus = z.enum([
  'new',
  'active',
  'graduated',
  'frozen',
  'blocked',
  'withdrawn',
  'special',
])

/** A student's registration in a program, with its price and payment schedule. */
export const registration = defineEntity({
  name: 'registration',
  shape: {
    id: externalId,
    code: optionalText,
    studentId: externalId,
    programId: externalId,
    registrationDate: isoDate,
    status: registrationStatus,
    programPrice: money.nullable().optional(),
    remainingAmount: money.nullable().optional(),
    discount: z.boolean().nullable().optional(),
    discountPercent: z.number().min(0).max(100).nullable().optional(),
    studyMode: optionalText,
    studyLanguage: optionalText,
    intake: optionalText,
    registrationNumber: optionalText,
    paymentSchedule: z.array(installment).optional(),
  },
  references: { studentId: 'student', programId: 'program' },
})
