import * as z from 'zod'
import { defineEntity } from '../types/entity.ts'
import { externalId, optionalRef, optionalText, text } from '../types/primitives.ts'

/** One assessment criterion of a unit (BTEC P1..P19, M1..M9, D1..D6). */
export const criterion = z.object({
  code: z.string().regex(/^[PMD]\d{1,2}$/, { message: 'expected a criterion code such as P1, M2 or D1' }),
  description: z.string(),
})

/** A unit (module) of a qualification, e.g. a BTEC unit with its grading criteria. */
export const unit = defineEntity({
  name: 'unit',
  shape: {
    id: externalId,
    name: text,
    code: optionalText,
    number: optionalText,
    credit: optionalText,
    level: optionalText,
    major: optionalText,
    serviceType: optionalText,
    programId: optionalRef,
    criteria: z.array(criterion).optional(),
    gradingTemplate: optionalText,
  },
  references: { programId: 'program' },
})
