import type { StoreError } from '../errors/store-error.ts'
import type { TenantId } from '../types/primitives.ts'

/** The steps of a held idempotency claim after it was taken. */
export type ClaimStep = 'renew' | 'complete' | 'release'

/**
 * Something that happened to a delivery's idempotency claim that a host should log (see
 * {@link WebhookIdempotencyOptions.onClaimEvent}). None of them changes the answer already given.
 * - `lost`: the claim was taken over by another delivery of the same key (this process stalled past the
 *   lease: a long GC pause, a blocked event loop, a frozen VM). Nothing was overwritten: the Store
 *   refused the step. Worth a warning: the lease may be too short for this host's pauses.
 * - `renew-failed`: a heartbeat could not reach the Store; the next one tries again. If none gets through,
 *   the lease runs out and another delivery may take the key over.
 * - `settle-failed`: completing or releasing the claim failed (the Store is unreachable); it is retried in
 *   the background until the lease would have run out anyway, and at once before this handler claims
 *   the same key again.
 * - `settled-late`: a retried completion or release went through.
 * - `abandoned`: retries stopped because the lease ran out; the key is claimable again by then.
 */
export type ClaimEvent =
  | { readonly type: 'lost'; readonly step: ClaimStep; readonly tenant: TenantId; readonly key: string }
  | {
      readonly type: 'renew-failed'
      readonly tenant: TenantId
      readonly key: string
      readonly error: StoreError
    }
  | {
      readonly type: 'settle-failed'
      readonly step: Exclude<ClaimStep, 'renew'>
      readonly tenant: TenantId
      readonly key: string
      readonly error: StoreError
    }
  | {
      readonly type: 'settled-late' | 'abandoned'
      readonly step: Exclude<ClaimStep, 'renew'>
      readonly tenant: TenantId
      readonly key: string
    }
