/**
 * Types of the Store's people lookups (issue 10): the class roster ({@link Store.listClassEnrollments}),
 * the enrollments of one class read from the Store rather than passed in by the caller, so a flow that
 * activates a class (e.g. provisioning its Moodle course) enrols exactly who is enrolled now; and students
 * by e-mail ({@link Store.findStudentsByEmail}), how a user of another system without a link is matched.
 */

/** Options of `listClassEnrollments`: pages in ascending id order (code units, as `listRecordIds`). */
export interface ClassEnrollmentsOptions {
  /** The last enrollment id of the previous page; the page starts after it. */
  readonly afterId?: string
  /** At most this many enrollments. @default 1000 */
  readonly limit?: number
}

/** The default page size of `listClassEnrollments`. */
export const CLASS_ENROLLMENTS_PAGE = 1000

/**
 * An e-mail address as the Store compares it: surrounding ASCII whitespace (space, tab, line feed,
 * vertical tab, form feed, carriage return) removed and ASCII letters lower-cased. Only ASCII: every Store
 * must agree, and PostgreSQL's `lower()` and `trim()` depend on the database's locale where this does not.
 */
export function normaliseEmail(email: string): string {
  return email.replace(/^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g, '').replace(/[A-Z]/g, (c) => c.toLowerCase())
}

/** One student whose `email` or `academicEmail` is an address asked for (see `findStudentsByEmail`). */
export interface StudentEmailMatch {
  /** The asked address, normalised ({@link normaliseEmail}). */
  readonly email: string
  /** The student's canonical id. */
  readonly studentId: string
}
