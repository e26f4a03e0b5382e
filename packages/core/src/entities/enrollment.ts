import * as z from 'zod'
import { defineEntity } from '../types/entity.ts'
import { externalId, optionalDate, optionalText } from '../types/primitives.ts'

/** A student's enrollment in a class. */
export const enrollment = defineEntity({
  name: 'enrollment',
  shape: {
    id: externalId,
    code: optionalText,
    studentId: externalId,
    classId: externalId,
    startDate: optionalDate,
    endDate: optionalDate,
    type: z.enum(['normal', 'recording', 'self-study', 'not-graded']).nullable().optional(),
  },
  references: { studentId: 'student', classId: 'class' },
})
