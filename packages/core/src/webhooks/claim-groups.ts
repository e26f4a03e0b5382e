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
   * meanwhile form the next group. Two keep a second connection busy while the first commits. @default 2
   */
  readonly maxInFlight?: number
  /** Largest group (keys in one statement). @default 500 */
  readonly maxGroup?: number
}

interface Waiter<I, O> {
  readonly key: string
  readonly item: I
  readonly done: (result: Result<O, StoreError>) => void
}

interface Queue<I, O> {
  inFlight: number
  scheduled: boolean
  pending: Waiter<I, O>[]
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
  const claims = groupQueue<IdempotencyGroupClaim, IdempotencyClaim>(tuning, claimRunner(store))
  const completions = groupQueue<Completion, IdempotencyStep<'completed'>>(tuning, completeRunner(store))
  return {
    claim: (tenant, request) => claims(tenant, request.key, request),
    complete: (tenant, holder, response) => completions(tenant, holder.key, { holder, response }),
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
 * A per-tenant queue that sends what arrived in the same turn of the event loop as one group (at most
 * `maxInFlight` groups per tenant at once), and hands each waiter its own answer.
 */
function groupQueue<I, O>(
  tuning: { readonly maxInFlight: number; readonly maxGroup: number },
  runner: GroupRunner<I, O>,
) {
  const queues = new Map<TenantId, Queue<I, O>>()

  function take(queue: Queue<I, O>): Waiter<I, O>[] {
    const taken: Waiter<I, O>[] = []
    const rest: Waiter<I, O>[] = []
    const keys = new Set<string>()
    for (const waiter of queue.pending) {
      if (taken.length >= tuning.maxGroup || keys.has(waiter.key)) rest.push(waiter)
      else {
        taken.push(waiter)
        keys.add(waiter.key)
      }
    }
    queue.pending = rest
    return taken
  }

  function flush(tenant: TenantId): void {
    const queue = queues.get(tenant)
    if (!queue) return
    while (queue.inFlight < tuning.maxInFlight && queue.pending.length > 0) {
      const group = take(queue)
      queue.inFlight++
      void send(tenant, group).finally(() => {
        queue.inFlight--
        if (queue.pending.length > 0) flush(tenant)
        else if (queue.inFlight === 0 && !queue.scheduled && queues.get(tenant) === queue)
          queues.delete(tenant)
      })
    }
  }

  async function send(tenant: TenantId, group: readonly Waiter<I, O>[]): Promise<void> {
    try {
      if (group.length === 1) {
        const [only] = group as [Waiter<I, O>]
        only.done(await runner.one(tenant, only.item))
        return
      }
      const result = await runner.many(
        tenant,
        group.map((w) => w.item),
      )
      if (result.isOk()) {
        for (const [i, waiter] of group.entries()) {
          const answer = result.value[i]
          waiter.done(
            answer === undefined
              ? err(new StoreError('Corrupt', 'the Store answered a group with fewer answers than keys'))
              : ok(answer),
          )
        }
        return
      }
      if (result.error.reason !== 'Invalid') {
        for (const waiter of group) waiter.done(err(result.error))
        return
      }
      // One delivery the Store cannot take must not sink the others: each is tried on its own.
      await Promise.all(group.map(async (waiter) => waiter.done(await runner.one(tenant, waiter.item))))
    } catch (cause) {
      // A bug (a Store that throws) must not leave deliveries waiting forever.
      const error = new StoreError('Corrupt', 'the Store failed unexpectedly', { cause })
      for (const waiter of group) waiter.done(err(error))
    }
  }

  return (tenant: TenantId, key: string, item: I): Promise<Result<O, StoreError>> =>
    new Promise((done) => {
      let queue = queues.get(tenant)
      if (!queue) {
        queue = { inFlight: 0, scheduled: false, pending: [] }
        queues.set(tenant, queue)
      }
      queue.pending.push({ key, item, done })
      // Deliveries that reach this point in the same turn of the event loop share a group.
      if (!queue.scheduled) {
        const scheduled = queue
        scheduled.scheduled = true
        setImmediate(() => {
          scheduled.scheduled = false
          flush(tenant)
        })
      }
    })
}
