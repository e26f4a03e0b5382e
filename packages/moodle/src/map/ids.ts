/**
 * Canonical ids for records first seen in Moodle (no link to an existing record yet). They are stable,
 * so a redelivered event maps to the same record, and prefixed, so they never collide with a CRM's ids.
 * A record created elsewhere is found through its Store link instead (see the inbox processor).
 */
export const moodleDerivedId = {
  /** A Moodle user with no linked student/teacher. */
  user: (userId: string | number) => `moodle-user-${userId}`,
  /** A Moodle course with no linked class. */
  course: (courseId: string | number) => `moodle-course-${courseId}`,
  /** A Moodle enrolment (`user_enrolments.id`) with no linked enrollment. */
  enrolment: (enrolmentId: string | number) => `moodle-enrolment-${enrolmentId}`,
  /** A grade, by its composite key `<user>_<course>_<grade item>`. */
  grade: (compositeKey: string) => `moodle-grade-${compositeKey}`,
} as const

/** Whether a canonical id was made by {@link moodleDerivedId} (so it has no CRM record behind it). */
export function isMoodleDerivedId(id: string): boolean {
  return id.startsWith('moodle-')
}

/** The link system name of Moodle ids in the Store. */
export const MOODLE_SYSTEM = 'moodle'

/** Unix seconds -> `YYYY-MM-DD` (UTC); 0 and absent mean "no date" in Moodle. */
export function unixToDate(seconds: number | null | undefined): string | null {
  if (seconds === null || seconds === undefined || seconds <= 0) return null
  return new Date(seconds * 1000).toISOString().slice(0, 10)
}

/** `YYYY-MM-DD` -> unix seconds at 00:00 UTC (Moodle course dates). */
export function dateToUnix(date: string | null | undefined): number | undefined {
  if (!date) return undefined
  const ms = Date.parse(`${date}T00:00:00Z`)
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000)
}
