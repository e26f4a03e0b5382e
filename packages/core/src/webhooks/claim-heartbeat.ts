import type { IdempotencyHolder, Store } from '../store/store.ts'
import type { TenantId } from '../types/primitives.ts'
import type { ClaimEvent } from './claim-event.ts'

/** A running heartbeat of a held claim (see {@link startClaimHeartbeat}). */
export interface ClaimHeartbeat {
  /** Aborted when the Store reports the claim lost (another delivery took the key over). */
  readonly signal: AbortSignal
  /** Stops renewing. A renewal already sent may still land; the Store's fencing makes that harmless. */
  stop(): void
}

/**
 * Renews a held claim's lease every third of the lease while the work runs, so a live slow delivery is
 * never taken over and a dead one (its process killed or frozen) is taken over once its lease runs out.
 * Renewals are chained, never overlapping; the timers do not keep the process alive.
 */
export function startClaimHeartbeat(options: {
  readonly store: Store
  readonly tenant: TenantId
  readonly holder: IdempotencyHolder
  readonly leaseMs: number
  readonly onEvent: (event: ClaimEvent) => void
}): ClaimHeartbeat {
  const { store, tenant, holder, leaseMs, onEvent } = options
  const controller = new AbortController()
  const every = Math.max(10, Math.floor(leaseMs / 3))
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined

  const schedule = () => {
    timer = setTimeout(beat, every)
    timer.unref?.()
  }
  const beat = async () => {
    const renewed = await store.renewIdempotencyKey(tenant, holder, { leaseMs })
    if (stopped) return
    if (renewed.isErr()) {
      onEvent({ type: 'renew-failed', tenant, key: holder.key, error: renewed.error })
    } else if (renewed.value === 'lost') {
      onEvent({ type: 'lost', step: 'renew', tenant, key: holder.key })
      controller.abort(new Error(`idempotency claim ${holder.key} was taken over`))
      return
    }
    schedule()
  }
  schedule()
  return {
    signal: controller.signal,
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
}
