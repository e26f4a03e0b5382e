import type { z } from 'zod'
import type {
  courseEventData,
  enrollmentCreatedData,
  gradeUpdatedData,
  userEventData,
} from '../readers/plugin-events.ts'
import { btecLetter, gradeCompositeKey } from './btec-grade.ts'
import { moodleDerivedId, unixToDate } from './ids.ts'
import { learningOutcomeRows } from './learning-outcomes.ts'

type UserData = z.output<typeof userEventData>
type CourseData = z.output<typeof courseEventData>
type EnrollmentData = z.output<typeof enrollmentCreatedData>
type GradeData = z.output<typeof gradeUpdatedData>
/** The stored record a Moodle event updates (merged, not overwritten), or `undefined` for a new one. */
export type ExistingRecord = Readonly<Record<string, unknown>> | undefined

const blankToNull = (s: string | null | undefined) =>
  s === null || s === undefined || s.trim() === '' ? null : s.trim()

/**
 * A Moodle user -> a canonical student. Moodle owns names, e-mail (the academic address students log in
 * with), phone, city and country; everything else of an existing record (status, program, the CRM's own
 * fields) is kept as it is.
 */
export function toStudent(id: string, user: UserData, existing: ExistingRecord): Record<string, unknown> {
  return {
    ...(existing ?? { status: 'active' }),
    id,
    firstName: user.firstname,
    lastName: user.lastname,
    academicEmail: user.email,
    phone:
      blankToNull(user.phone1) ??
      blankToNull(user.phone2) ??
      (existing?.phone as string | null | undefined) ??
      null,
    city: blankToNull(user.city) ?? (existing?.city as string | null | undefined) ?? null,
    country:
      blankToNull(user.country)?.toUpperCase() ?? (existing?.country as string | null | undefined) ?? null,
  }
}

/** A Moodle user whose role is teacher -> a canonical teacher (existing fields kept). */
export function toTeacher(id: string, user: UserData, existing: ExistingRecord): Record<string, unknown> {
  return {
    ...existing,
    id,
    name: `${user.firstname} ${user.lastname}`,
    academicEmail: user.email,
    phone: blankToNull(user.phone1) ?? (existing?.phone as string | null | undefined) ?? null,
  }
}

/**
 * A Moodle course -> a canonical class. Moodle owns the names and dates; a class that exists keeps its
 * status, unit, program and teacher. A course first seen in Moodle is `active` when visible.
 */
export function toClass(id: string, course: CourseData, existing: ExistingRecord): Record<string, unknown> {
  const visible = course.visible === undefined || course.visible === true || Number(course.visible) === 1
  return {
    ...(existing ?? { status: visible ? 'active' : 'pending' }),
    id,
    name: course.fullname,
    shortName: course.shortname,
    startDate:
      unixToDate(course.startdate ?? null) ?? (existing?.startDate as string | null | undefined) ?? null,
    endDate: unixToDate(course.enddate ?? null) ?? (existing?.endDate as string | null | undefined) ?? null,
  }
}

/** A Moodle enrolment -> a canonical enrollment of the resolved student and class. */
export function toEnrollment(
  id: string,
  enrolment: EnrollmentData,
  refs: { readonly studentId: string; readonly classId: string },
  existing: ExistingRecord,
): Record<string, unknown> {
  return {
    ...existing,
    id,
    studentId: refs.studentId,
    classId: refs.classId,
    startDate: unixToDate(enrolment.timestart ?? null),
    endDate: unixToDate(enrolment.timeend ?? null),
  }
}

/**
 * A graded submission -> a canonical grade, keyed by `<user>_<course>_<assignment>`, so a re-grade of the
 * same assignment updates the same record and two assignments of one course stay two grades. The letter
 * comes from {@link btecLetter} (the plugin's own letter is not trusted: one conversion, one place); the
 * daily task's double-refer rows are RR whatever their score.
 */
export function toGrade(grade: GradeData, refs: { readonly studentId: string; readonly classId: string }) {
  const compositeKey = gradeCompositeKey(grade.student_id, grade.course_id, grade.assignment_id)
  const attempt = grade.attempt_number ?? null
  const doubleRefer = grade.is_rr_update === true || grade.workflow_state === 'doublerefer'
  const letter = doubleRefer
    ? 'RR'
    : btecLetter({ score: grade.raw_grade ?? null, attempt, feedback: grade.feedback ?? null })
  return {
    id: moodleDerivedId.grade(compositeKey),
    studentId: refs.studentId,
    classId: refs.classId,
    grade: letter,
    status: blankToNull(grade.status) ?? blankToNull(grade.workflow_state),
    attemptNumber: attempt !== null && attempt > 0 ? attempt : null,
    attemptDate: grade.graded_at ? grade.graded_at.slice(0, 10) : null,
    feedback: blankToNull(grade.feedback),
    graderName: grade.grader_role === 'IV' ? null : blankToNull(grade.grader_name),
    internalVerifierName: grade.grader_role === 'IV' ? blankToNull(grade.grader_name) : null,
    compositeKey,
    learningOutcomes: learningOutcomeRows(grade.learning_outcomes ?? []),
  }
}
