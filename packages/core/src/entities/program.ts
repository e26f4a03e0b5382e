import { defineEntity } from '../types/entity.ts'
import { money } from '../types/money.ts'
import { externalId, optionalText, text } from '../types/primitives.ts'

/** A program of study (Zoho "Products"), e.g. a BTEC Level 5 HND. */
export const program = defineEntity({
  name: 'program',
  shape: {
    id: externalId,
    code: optionalText,
    name: text,
    price: money.nullable().optional(),
    unitPrice: money.nullable().optional(),
    status: optionalText,
    type: optionalText,
    major: optionalText,
    subMajor: optionalText,
  },
})
