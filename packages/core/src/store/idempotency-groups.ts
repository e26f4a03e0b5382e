import type { ResultAsync } from 'neverthrow'
import type { StoreError } from '../errors/store-error.ts'
import type { TenantId } from '../types/primitives.ts'
import type {
  IdempotencyClaim,
  IdempotencyClaimRequest,
  IdempotencyHolder,
  IdempotencyStep,
  Store,
  StoredResponse,
} from './store.ts'

/** One key of {@link IdempotencyGroups.claimIdempotencyKeys}: a claim request without its own clock. */
export type IdempotencyGroupClaim = Omit<IdempotencyClaimRequest, 'now'>

/** One held claim to complete in {@link IdempotencyGroups.completeIdempotencyKeys}. */
export interface IdempotencyCompletion {
  readonly holder: IdempotencyHolder
  /** The response replayed to duplicates of the key. */
  readonly response: StoredResponse
}

/**
 * An optional Store capability: the claim and the completion of several idempotency keys of one tenant,
 * each in one atomic step, so a host answering many concurrent webhooks pays one round trip (and one
 * commit) per group of deliveries instead of one per delivery (see `createClaimGroups` in the webhook
 * kit, which uses it when the Store has it and the single-key methods otherwise).
 *
 * Why a separate port and not more of `Store`: it is an optimisation every Store may leave out, so a
 * Store written against the port stays complete without it.
 *
 * Guarantees, in addition to those of the single-key methods, which each key keeps exactly:
 * - **Same answers.** Each key gets the answer {@link Store.claimIdempotencyKey} (or
 *   {@link Store.completeIdempotencyKey}) would have given it alone, at the same moment; answers come in
 *   the order of the request.
 * - **All or nothing.** A call that fails changed nothing: no key of it is claimed or completed.
 * - **Distinct keys.** A key given twice in one call fails the whole call with reason `Invalid` (its two
 *   answers would depend on an order the Store does not promise); callers group distinct keys only.
 * - **Concurrency-safe.** Concurrent calls over overlapping keys neither deadlock nor give one key to two
 *   callers.
 */
export interface IdempotencyGroups {
  /** Claims every key atomically, as {@link Store.claimIdempotencyKey} does one; `now` is shared. */
  claimIdempotencyKeys(
    tenant: TenantId,
    requests: readonly IdempotencyGroupClaim[],
    options?: { readonly now?: Date },
  ): ResultAsync<readonly IdempotencyClaim[], StoreError>

  /**
   * Completes every held claim atomically, as {@link Store.completeIdempotencyKey} does one: each holder
   * that still holds its key gets `completed`, a late one `lost` (its key is left as it is).
   */
  completeIdempotencyKeys(
    tenant: TenantId,
    completions: readonly IdempotencyCompletion[],
    options?: { readonly now?: Date },
  ): ResultAsync<readonly IdempotencyStep<'completed'>[], StoreError>
}

/** Whether `store` has the {@link IdempotencyGroups} capability. */
export function hasIdempotencyGroups(store: Store): store is Store & IdempotencyGroups {
  const candidate = store as Partial<IdempotencyGroups>
  return (
    typeof candidate.claimIdempotencyKeys === 'function' &&
    typeof candidate.completeIdempotencyKeys === 'function'
  )
}

/**
 * The first key given twice in `keys`, if any: Stores refuse such a group (see {@link IdempotencyGroups}).
 */
export function repeatedKey(keys: Iterable<string>): string | undefined {
  const seen = new Set<string>()
  for (const key of keys) {
    if (seen.has(key)) return key
    seen.add(key)
  }
  return undefined
}
