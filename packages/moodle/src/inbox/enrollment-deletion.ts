import type { Store, SyncEngine, TenantId } from '@edusync/core'
import type { ResultAsync } from 'neverthrow'
import { okAsync } from 'neverthrow'
import { MOODLE_SYSTEM, moodleDerivedId } from '../map/ids.ts'

/** What happened to one `enrollment_deleted` event. */
export type DeletionResult =
  /**
   * The deletion was applied (the enrollment is a tombstone now, or was one, or was never stored), or
   * handed to the mass-deletion guard's quarantine, where a person approves or discards it: either way
   * the event may be marked handled.
   */
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
 * Applies `enrollment_deleted` events, the one place the processor handles deletions: each Moodle
 * enrolment is found by its link (or its Moodle-derived id when it was never linked) and deleted through
 * the engine's `deleteBatch` (source `moodle`), so the enrollment becomes a tombstone keeping its last
 * data, and a wave of unenrolments (a course reset) is held by the mass-deletion guard instead of applied.
 * One `findByExternalIds` and one `deleteBatch` for all the round's deletions. A reference policy that
 * refuses keeps the event pending with the reason; a Store failure keeps every event pending.
 */
export function applyEnrollmentDeletions(
  engine: SyncEngine,
  store: Store,
  tenant: TenantId,
  deletions: readonly EnrollmentDeletion[],
): ResultAsync<ReadonlyMap<string, DeletionResult>, never> {
  if (deletions.length === 0) return okAsync(new Map())
  const pendingAll = (error: string) =>
    new Map<string, DeletionResult>(deletions.map((d) => [d.eventId, { status: 'pending', error }]))
  const moodleIds = [...new Set(deletions.map((d) => d.moodleEnrolmentId))]
  return store
    .findByExternalIds(tenant, MOODLE_SYSTEM, 'enrollment', moodleIds)
    .andThen((linked) => {
      const idOf = (moodleId: string) => linked.get(moodleId) ?? moodleDerivedId.enrolment(moodleId)
      const ids = [...new Set(moodleIds.map(idOf))]
      return engine
        .deleteBatch({
          tenant,
          entity: 'enrollment',
          ids,
          source: 'moodle',
          reason: 'Moodle enrollment_deleted',
        })
        .map((result) => {
          const byId = new Map(result.outcomes.map((o) => [o.id, o]))
          return new Map<string, DeletionResult>(
            deletions.map((d) => {
              const outcome = byId.get(idOf(d.moodleEnrolmentId))
              if (outcome?.status === 'INVALID')
                return [d.eventId, { status: 'pending', error: outcome.message }]
              return [d.eventId, outcome ? { status: 'applied' } : { status: 'pending', error: 'no outcome' }]
            }),
          )
        })
    })
    .orElse((e) => okAsync(pendingAll(`deleting the enrollment failed: ${e.message}`)))
}
