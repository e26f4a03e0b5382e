import * as z from 'zod'
import { defineEntity } from '../types/entity.ts'
import { externalId, optionalDate, optionalRef, optionalText } from '../types/primitives.ts'

/** Lifecycle status of a class. */
export const classStatus = z.enum([
  'pending',
  'active',
  'initial-evaluation',
  'final-evaluation',
  'waiting-submission',
  'waiting-resubmission',
  'ended',
])

/** A class: one run of a unit, taught by a teacher, for a term. */
export const schoolClass = defineEntity({
  name: 'class',
  shape: {
    id: externalId,
    code: optionalText,
    name: z.string().trim().min(1, { message: 'expected a non-empty string' }),
    shortName: optionalText,
    unitId: optionalRef,
    programId: optionalRef,
    teacherId: optionalRef,
    status: classStatus,
    startDate: optionalDate,
    endDate: optionalDate,
    term: optionalText,
    year: optionalText,
    studyMode: optionalText,
  },
  references: { unitId: 'unit', programId: 'program', teacherId: 'teacher' },
})
