import type { StoreError } from '../errors/store-error.ts'
import type { IdempotencyHolder, Store, StoredResponse } from '../store/store.ts'
import type { TenantId } from '../types/primitives.ts'
import type { ClaimEvent } from './claim-event.ts'
import type { ClaimGroups } from './claim-groups.ts'

/** How a held claim ends: completed with the response to replay, or released for a retry. */
export type ClaimSettlement =
  | { readonly step: 'complete'; readonly response: StoredResponse }
  | { readonly step: 'release' }

/** Settles held claims, retrying the ones the Store could not take (see {@link createClaimSettler}). */
export interface ClaimSettler {
  /**
   * Completes or releases a held claim. When the Store is unreachable the settlement is kept and retried
   * in the background (never past the claim's lease: by then the key is claimable anyway).
   */
  settle(
    tenant: TenantId,
    holder: IdempotencyHolder,
    settlement: ClaimSettlement,
    onEvent: (event: ClaimEvent) => void,
  ): Promise<void>
  /** Retries a pending settlement of this key now, if there is one: call it before claiming the key. */
  flush(tenant: TenantId, key: string): Promise<void>
  /** How many settlements are waiting for the Store. */
  readonly pending: number
}

interface Pending {
  readonly tenant: TenantId
  readonly holder: IdempotencyHolder
  readonly settlement: ClaimSettlement
  readonly onEvent: (event: ClaimEvent) => void
  readonly deadline: number
  attempt?: Promise<boolean> | undefined
}

/**
 * Creates the settler of one webhook handler.
 *
 * Why settlements are retried: when the database drops after a delivery was claimed, its processing fails
 * and so does the release of its claim. Left alone, the claim stays "in progress" until its lease runs
 * out and the sender's retries are answered 409 meanwhile (a sender that treats a 4xx as final drops the
 * record). Retried at once when the same key is claimed again, and in the background every
 * `retryMs.min`..`retryMs.max`, the release lands as soon as the Store is back, so a retry is processed.
 */
export function createClaimSettler(options: {
  readonly store: Store
  /** Retries stop this long after the first failure (the claim's lease). */
  readonly leaseMs: number
  /** Background retry delays, doubling from `min` to `max`. @default { min: 100, max: 1000 } */
  readonly retryMs?: { readonly min: number; readonly max: number }
  /**
   * How a completion reaches the Store, e.g. through {@link createClaimGroups} so concurrent deliveries
   * share one statement. @default `store.completeIdempotencyKey`
   */
  readonly complete?: ClaimGroups['complete']
}): ClaimSettler {
  const { store, leaseMs } = options
  const complete =
    options.complete ?? ((tenant, holder, response) => store.completeIdempotencyKey(tenant, holder, response))
  const { min, max } = options.retryMs ?? { min: 100, max: 1000 }
  const pending = new Map<string, Pending>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let delay = min

  const id = (tenant: TenantId, key: string) => `${tenant}\u0000${key}`

  async function attempt(
    tenant: TenantId,
    holder: IdempotencyHolder,
    settlement: ClaimSettlement,
    onEvent: (event: ClaimEvent) => void,
  ): Promise<'done' | 'lost' | StoreError> {
    const result =
      settlement.step === 'complete'
        ? await complete(tenant, holder, settlement.response)
        : await store.releaseIdempotencyKey(tenant, holder)
    if (result.isErr()) return result.error
    if (result.value !== 'lost') return 'done'
    onEvent({ type: 'lost', step: settlement.step, tenant, key: holder.key })
    return 'lost'
  }

  // One attempt per entry at a time: a flush arriving during a background retry waits for that one.
  function retry(key: string, entry: Pending): Promise<boolean> {
    entry.attempt ??= attempt(entry.tenant, entry.holder, entry.settlement, entry.onEvent).then((outcome) => {
      entry.attempt = undefined
      if (outcome instanceof Error || pending.get(key) !== entry) return false
      pending.delete(key)
      if (outcome === 'lost') return true
      entry.onEvent({
        type: 'settled-late',
        step: entry.settlement.step,
        tenant: entry.tenant,
        key: entry.holder.key,
      })
      return true
    })
    return entry.attempt
  }

  async function tick() {
    timer = undefined
    const now = Date.now()
    await Promise.all(
      [...pending].map(([key, entry]) => {
        if (entry.deadline > now) return retry(key, entry)
        pending.delete(key)
        entry.onEvent({
          type: 'abandoned',
          step: entry.settlement.step,
          tenant: entry.tenant,
          key: entry.holder.key,
        })
        return false
      }),
    )
    if (pending.size === 0) return
    delay = Math.min(delay * 2, max)
    schedule()
  }

  function schedule() {
    if (timer !== undefined) return
    timer = setTimeout(() => void tick(), delay)
    // Pending retries never keep a stopping process alive: the lease covers what they would have done.
    timer.unref?.()
  }

  return {
    async settle(tenant, holder, settlement, onEvent) {
      const outcome = await attempt(tenant, holder, settlement, onEvent)
      if (!(outcome instanceof Error)) return
      onEvent({ type: 'settle-failed', step: settlement.step, tenant, key: holder.key, error: outcome })
      pending.set(id(tenant, holder.key), {
        tenant,
        holder,
        settlement,
        onEvent,
        deadline: Date.now() + leaseMs,
      })
      if (timer === undefined) delay = min
      schedule()
    },
    async flush(tenant, key) {
      const entry = pending.get(id(tenant, key))
      if (entry) await retry(id(tenant, key), entry)
    },
    get pending() {
      return pending.size
    },
  }
}
