import * as z from 'zod'
import { defineEntity } from '../types/entity.ts'
import { externalId, optionalText, text } from '../types/primitives.ts'

/** A teacher (instructor). */
export const teacher = defineEntity({
  name: 'teacher',
  shape: {
    id: externalId,
    name: text,
    email: z.email({ message: 'expected an e-mail address' }).nullable().optional(),
    academicEmail: z.email({ message: 'expected an e-mail address' }).nullable().optional(),
    phone: optionalText,
  },
})
