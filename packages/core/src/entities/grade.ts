import * as z from 'zod'
import { blankAsNull } from '../parse/blank.ts'
import { defineEntity } from '../types/entity.ts'
import { externalId, optionalDate, optionalText } from '../types/primitives.ts'

const SCORE_RANGE = 'expected a learning-outcome score from 0 to 4 (the BTEC scale)'

/**
 * A learning-outcome score: a number on the **BTEC 0-4 scale**, 0 and 4 included, fractions allowed
 * (`2.5`). It is the scale Moodle's BTEC grading writes (`assign_grades.grade`) and the one the letter
 * rule reads: 0 = F, below 2 = R, 2 = P, 3 = M, 4 = D. Anything outside it breaks rule `score_range`.
 *
 * A 0-100 normalised mark (Moodle's `(final - min) / (max - min) * 100`) is a different measure and is
 * not a learning-outcome score: an adapter that holds only a percentage converts it (`mark / 25`) before
 * mapping, or keeps it out of this field. Nothing is clamped or rescaled here: 150 is an error, not a 4.
 */
export const learningOutcomeScore = z
  .number({ error: 'expected a learning-outcome score (a number from 0 to 4)' })
  .refine((score) => score >= 0 && score <= 4, { message: SCORE_RANGE, params: { rule: 'score_range' } })

/** One learning-outcome row of a grade (a criterion's assessment); `score` is on the 0-4 BTEC scale. */
export const learningOutcome = z.object({
  code: z.string().trim().min(1, { message: 'expected a learning-outcome code' }),
  title: z.preprocess(
    blankAsNull,
    z.string().max(100, { message: 'expected a title of at most 100 characters' }).nullable().optional(),
  ),
  definition: optionalText,
  score: learningOutcomeScore.nullable().optional(),
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
