import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import { StoreError } from '../errors/store-error.ts'
import type { IdempotencyGroupClaim, IdempotencyGroups } from '../store/idempotency-groups.ts'
import { hasIdempotencyGroups } from '../store/idempotency-groups.ts'
import type {
  IdempotencyClaim,
  IdempotencyHolder,
  IdempotencyStep,
  Store,
  StoredResponse,
} from '../store/store.ts'
import type { TenantId } from '../types/primitives.ts'
import { createKeyedBatcher } from '../util/keyed-batcher.ts'

/** Claims and completes idempotency keys, sharing Store round trips between concurrent deliveries. */
export interface ClaimGroups {
  /** Claims one delivery's key, as `store.claimIdempotencyKey` does, in the next group of its tenant. */
  claim(tenant: TenantId, request: IdempotencyGroupClaim): Promise<Result<IdempotencyClaim, StoreError>>
  /** Completes one held claim, as `store.completeIdempotencyKey` does, in the next group of its tenant. */
  complete(
    tenant: TenantId,
    holder: IdempotencyHolder,
    response: StoredResponse,
  ): Promise<Result<IdempotencyStep<'completed'>, StoreError>>
}

/** Options of {@link createClaimGroups}. */
export interface ClaimGroupsOptions {
  readonly store: Store
  /**
   * Group statements of one tenant (per kind: claims, completions) in flight at once; deliveries arriving
   * meanwhile form the next group. Two keep a second connection busy while the first commits. At least 1
   * (a `RangeError` otherwise). @default 2
   */
  readonly maxInFlight?: number
  /** Largest group (keys in one statement). @default 500 */
  readonly maxGroup?: number
}

/** How a group queue reaches the Store: a group at once, or one item alone. */
interface GroupRunner<I, O> {
  readonly many: (tenant: TenantId, items: readonly I[]) => PromiseLike<Result<readonly O[], StoreError>>
  readonly one: (tenant: TenantId, item: I) => PromiseLike<Result<O, StoreError>>
}

/**
 * Creates the claim groups of one webhook handler: the claims (and then the completions) of deliveries
 * that arrive together are sent to the Store as one statement each, through the Store's
 * {@link IdempotencyGroups} capability, so 16 concurrent webhooks pay one round trip and one commit where
 * they paid 16. A Store without the capability is called key by key, as before.
 *
 * Guarantees kept, per delivery: its answer is the one its key would get alone (the Store promises it). A
 * group never holds one key twice (the later delivery waits for the next group). A lone delivery uses the
 * single-key methods (same statement count, no group to wait for). A group the Store refuses as `Invalid`
 * (a key or a reply it cannot store) is retried key by key, so one bad delivery never sinks the others;
 * any other failure (the Store is down) fails every delivery of the group, each of which answers 503 and
 * is retried by its sender, as it would alone.
 *
 * The grouping itself (per tenant, deliveries of one turn of the event loop together, `maxInFlight`
 * groups at once) is the keyed batcher (`util/keyed-batcher.ts`) the sync coalescer groups with too.
 *
 * @example
 * ```ts
 * const groups = createClaimGroups({ store })
 * const claim = await groups.claim('acme', { key, requestFingerprint, leaseMs: 5_000, ttlMs: 86_400_000 })
 * ```
 */
export function createClaimGroups(options: ClaimGroupsOptions): ClaimGroups {
  const { store } = options
  if (!hasIdempotencyGroups(store)) {
    return {
      claim: async (tenant, request) => await store.claimIdempotencyKey(tenant, request),
      complete: async (tenant, holder, response) =>
        await store.completeIdempotencyKey(tenant, holder, response),
    }
  }
  const tuning = { maxInFlight: options.maxInFlight ?? 2, maxGroup: options.maxGroup ?? 500 }
  const claims = groupQueue<IdempotencyGroupClaim, IdempotencyClaim>(
    tuning,
    (request) => request.key,
    claimRunner(store),
  )
  const completions = groupQueue<Completion, IdempotencyStep<'completed'>>(
    tuning,
    (completion) => completion.holder.key,
    completeRunner(store),
  )
  return {
    claim: (tenant, request) => claims(tenant, request),
    complete: (tenant, holder, response) => completions(tenant, { holder, response }),
  }
}

interface Completion {
  readonly holder: IdempotencyHolder
  readonly response: StoredResponse
}

function claimRunner(store: Store & IdempotencyGroups): GroupRunner<IdempotencyGroupClaim, IdempotencyClaim> {
  return {
    many: (tenant, items) => store.claimIdempotencyKeys(tenant, items),
    one: (tenant, item) => store.claimIdempotencyKey(tenant, item),
  }
}

function completeRunner(
  store: Store & IdempotencyGroups,
): GroupRunner<Completion, IdempotencyStep<'completed'>> {
  return {
    many: (tenant, items) => store.completeIdempotencyKeys(tenant, items),
    one: (tenant, item) => store.completeIdempotencyKey(tenant, item.holder, item.response),
  }
}

/**
 * A per-tenant group queue (at most `maxInFlight` groups per tenant at once) whose group is sent as one
 * statement, or through the single-key method when it holds one item.
 */
function groupQueue<I, O>(
  tuning: { readonly maxInFlight: number; readonly maxGroup: number },
  keyOf: (item: I) => string,
  runner: GroupRunner<I, O>,
): (tenant: TenantId, item: I) => Promise<Result<O, StoreError>> {
  const batcher = createKeyedBatcher<I, Result<O, StoreError>>({
    maxInFlight: tuning.maxInFlight,
    maxWeight: tuning.maxGroup,
    ids: (item) => [keyOf(item)],
    run: (tenant, items) => sendGroup(runner, tenant, items),
    // A bug (a Store that throws) must not leave deliveries waiting forever.
    failed: (cause) => err(new StoreError('Corrupt', 'the Store failed unexpectedly', { cause })),
  })
  return (tenant, item) => batcher.submit(tenant, item)
}

async function sendGroup<I, O>(
  runner: GroupRunner<I, O>,
  tenant: TenantId,
  items: readonly I[],
): Promise<readonly (Result<O, StoreError> | PromiseLike<Result<O, StoreError>>)[]> {
  if (items.length === 1) return [runner.one(tenant, items[0] as I)]
  const result = await runner.many(tenant, items)
  if (result.isOk()) {
    return items.map((_, i) => {
      const answer = result.value[i]
      return answer === undefined
        ? err(new StoreError('Corrupt', 'the Store answered a group with fewer answers than keys'))
        : ok(answer)
    })
  }
  if (result.error.reason !== 'Invalid') return items.map(() => err(result.error))
  // One delivery the Store cannot take must not sink the others: each is tried on its own (and answered
  // as soon as its own statement is).
  return items.map((item) => runner.one(tenant, item))
}
