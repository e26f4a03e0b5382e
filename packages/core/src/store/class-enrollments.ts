/**
 * Types of the Store's class-roster lookup ({@link Store.listClassEnrollments}): the enrollments of one
 * class, read from the Store rather than passed in by the caller, so a flow that activates a class (e.g.
 * provisioning its Moodle course) enrols exactly who is enrolled now.
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
