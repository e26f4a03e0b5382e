import type { EntityDefinition } from '../types/entity.ts'
import { schoolClass } from './class.ts'
import { enrollment } from './enrollment.ts'
import { grade } from './grade.ts'
import { payment } from './payment.ts'
import { program } from './program.ts'
import { registration } from './registration.ts'
import { studentRequest } from './request.ts'
import { student } from './student.ts'
import { teacher } from './teacher.ts'
import { unit } from './unit.ts'

export { applicant, applicantStatus } from './applicant.ts'
export { classStatus, schoolClass } from './class.ts'
export { enrollment } from './enrollment.ts'
export { grade, gradeLetter, learningOutcome, learningOutcomeScore } from './grade.ts'
export { payment, paymentKind, signedPaymentAmount } from './payment.ts'
export { program } from './program.ts'
export { installment, registration, registrationStatus } from './registration.ts'
export { requestStatus, studentRequest } from './request.ts'
export { student, studentStatus } from './student.ts'
export { teacher } from './teacher.ts'
export { criterion, unit } from './unit.ts'

/**
 * The canonical entities edusync ships, keyed by name: the ones every source adapter maps (the Zoho field
 * map covers each). {@link applicant} is canonical too but outside this set, because no shipped source
 * module carries applicants yet (hosts read them from their admissions system).
 */
export const entities = {
  student,
  teacher,
  program,
  unit,
  class: schoolClass,
  enrollment,
  registration,
  payment,
  grade,
  request: studentRequest,
} as const

/** Names of the shipped entities. */
export type CanonicalEntityName = keyof typeof entities

/** All shipped entity definitions, as a list. */
export const allEntities: readonly EntityDefinition[] = Object.values(entities)
