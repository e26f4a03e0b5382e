import type { OutcomeCounts } from '../store/store.ts'
import type { DeleteResult } from '../sync/delete-batch.ts'
import type { WebhookReply } from '../webhooks/responses.ts'

/**
 * The reply for a delete: 200 with counts, one outcome per requested id (DELETED, UNCHANGED, INVALID when
 * a reference policy refused it, QUARANTINED when the mass-deletion guard held the wave), the records
 * taken along, the orphaned parked records and the quarantined wave if any. A refusal or a quarantine is
 * not an error for the sender: retrying cannot change it; a person resolves it.
 */
export function deleteReply(result: DeleteResult): WebhookReply {
  const strip = <T extends { readonly index: number }>({ index: _index, ...rest }: T) => rest
  return {
    status: 200,
    body: {
      entity: result.entity,
      counts: result.counts,
      outcomes: result.outcomes.map(strip),
      cascaded: result.cascaded.map(strip),
      orphanedParked: result.orphanedParked,
      quarantine: result.quarantine,
    },
  }
}

/** A delete's counts in the shape a request log line reports. */
export function deleteLogCounts(result: DeleteResult): OutcomeCounts {
  const deleted = result.counts.deleted + result.cascaded.length
  return {
    total: deleted + result.counts.unchanged + result.counts.invalid,
    new: 0,
    unchanged: result.counts.unchanged,
    updated: 0,
    invalid: result.counts.invalid,
    deferred: 0,
    error: 0,
    deleted,
    restored: 0,
  }
}
