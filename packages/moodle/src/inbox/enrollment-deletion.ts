import type { Store, TenantId } from '@edusync/core'
import type { ResultAsync } from 'neverthrow'
import { okAsync } from 'neverthrow'

/** What happened to one `enrollment_deleted` event. */
export type DeletionResult =
  /** The deletion was applied; the event may be marked handled. */
  | { readonly status: 'applied' }
  /** The deletion could not be applied; the event stays pending with this error. */
  | { readonly status: 'pending'; readonly error: string }

/** One enrolment removed in Moodle. */
export interface EnrollmentDeletion {
  readonly eventId: string
  readonly moodleEnrolmentId: string
  readonly moodleUserId: string
  readonly moodleCourseId: string
}

/**
 * Applies `enrollment_deleted` events: the one place the processor handles deletions. The Store has no
 * delete operation yet, so each event stays in the inbox, pending, with an error saying so, rather than
 * being dropped or marked handled without effect; once core offers deletes (tombstones), this function
 * applies them and the pending events are processed on the next drain.
 */
export function applyEnrollmentDeletions(
  _store: Store,
  _tenant: TenantId,
  deletions: readonly EnrollmentDeletion[],
): ResultAsync<ReadonlyMap<string, DeletionResult>, never> {
  return okAsync(
    new Map(
      deletions.map((d) => [
        d.eventId,
        {
          status: 'pending' as const,
          error: `deletes not supported yet: enrolment ${d.moodleEnrolmentId} (user ${d.moodleUserId}, course ${d.moodleCourseId}) stays pending until the Store can delete enrollments`,
        },
      ]),
    ),
  )
}
