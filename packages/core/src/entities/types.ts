import type { RecordOf } from '../types/entity.ts'
import type { applicant } from './applicant.ts'
import type { schoolClass } from './class.ts'
import type { enrollment } from './enrollment.ts'
import type { grade } from './grade.ts'
import type { payment } from './payment.ts'
import type { program } from './program.ts'
import type { registration } from './registration.ts'
import type { studentRequest } from './request.ts'
import type { student } from './student.ts'
import type { teacher } from './teacher.ts'
import type { unit } from './unit.ts'

/** A canonical student record. */
export type Student = RecordOf<typeof student>
/** A canonical teacher record. */
export type Teacher = RecordOf<typeof teacher>
/** A canonical program record. */
export type Program = RecordOf<typeof program>
/** A canonical unit record. */
export type Unit = RecordOf<typeof unit>
/** A canonical class record. */
export type SchoolClass = RecordOf<typeof schoolClass>
/** A canonical enrollment record. */
export type Enrollment = RecordOf<typeof enrollment>
/** A canonical registration record. */
export type Registration = RecordOf<typeof registration>
/** A canonical payment record. */
export type Payment = RecordOf<typeof payment>
/** A canonical grade record. */
export type Grade = RecordOf<typeof grade>
/** A canonical student request record (entity `request`). */
export type StudentRequest = RecordOf<typeof studentRequest>
/** A canonical applicant record. */
export type Applicant = RecordOf<typeof applicant>
