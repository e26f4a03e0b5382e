import * as z from 'zod'
import { defineEntity } from '../types/entity.ts'
import { externalId, optionalDate, optionalText } from '../types/primitives.ts'

/** One learning-outcome row of a grade (a criterion's assessment). */
export const learningOutcome = z.object({
  code: z.string().trim().min(1, { message: 'expected a learning-outcome code' }),
  title: z.string().max(100, { message: 'expected a title of at most 100 characters' }).nullable().optional(),
  definition: optionalText,
  score: z.number().nullable().optional(),
  feedback: optionalText,
})

/** BTEC letter grades: Distinction, Merit, Pass, Refer, Re-Refer, Fail. */
export const gradeLetter = z.enum(['D', 'M', 'P', 'R', 'RR', 'F'])

/** A student's grade in a class (one attempt), with learning-outcome rows. */
export const grade = defineEntity({
  name: 'grade',
  shape: {
    id: externalId,
    code: optionalText,
    studentId: externalId,
    classId: externalId,
    unitCode: optionalText,
    grade: gradeLetter.nullable().optional(),
    status: optionalText,
    attemptNumber: z.number().int().positive().nullable().optional(),
    attemptDate: optionalDate,
    feedback: optionalText,
    graderName: optionalText,
    internalVerifierName: optionalText,
    compositeKey: optionalText,
    learningOutcomes: z.array(learningOutcome).optional(),
  },
  references: { studentId: 'student', classId: 'class' },
})
