import { defineEntity } from '../types/entity.ts'
import { externalId, optionalEmail, optionalText, text } from '../types/primitives.ts'

/** A teacher (instructor). */
export const teacher = defineEntity({
  name: 'teacher',
  shape: {
    id: externalId,
    name: text,
    email: optionalEmail,
    academicEmail: optionalEmail,
    phone: optionalText,
  },
})
