import * as z from 'zod'
import { defineEntity } from '../types/entity.ts'
import { money } from '../types/money.ts'
import { externalId, isoDate, optionalRef, optionalText } from '../types/primitives.ts'

/** A payment received against a registration. */
export const payment = defineEntity({
  name: 'payment',
  shape: {
    id: externalId,
    code: optionalText,
    registrationId: externalId,
    studentId: optionalRef,
    amount: money,
    paymentDate: isoDate,
    method: optionalText,
    type: optionalText,
    installmentNumber: z
      .number()
      .int({ message: 'expected an integer instalment number' })
      .nullable()
      .optional(),
    voucherNumber: optionalText,
    note: optionalText,
  },
  references: { registrationId: 'registration', studentId: 'student' },
})
