import type { Sleep } from '@edusync/http'
import { createLimiter, realSleep } from '@edusync/http'

export type { Sleep }
export { realSleep }

/** QuickBooks' per-realm limits (api-facts §3.9); lift them only for a local mock. */
export interface QuickBooksLimits {
  /** Requests per minute per realm, batch calls included. @default 500 */
  readonly requestsPerMinute?: number
  /** Requests in flight at once per realm and app. @default 10 */
  readonly concurrent?: number
  /** Batch calls per minute per realm and app. @default 40 */
  readonly batchPerMinute?: number
}

/** Admits one request at a time under a realm's limits. */
export interface RealmLimiter {
  /** Runs `task` once a slot is free and both minute windows have room. */
  run<T>(kind: 'request' | 'batch', task: () => Promise<T>): Promise<T>
}

/**
 * A sliding one-minute window: `take` waits until fewer than `limit` starts happened in the last 60 s.
 * Starts are recorded, not completions, because QuickBooks meters a call when it arrives.
 */
function windowOf(limit: number, sleep: Sleep, now: () => number) {
  const starts: number[] = []
  return async function take(): Promise<void> {
    for (;;) {
      const t = now()
      while (starts.length > 0 && (starts[0] as number) <= t - 60_000) starts.shift()
      if (starts.length < limit) {
        starts.push(t)
        return
      }
      await sleep((starts[0] as number) + 60_000 - t + 1)
    }
  }
}

/** Creates the limiter of one realm: a concurrency cap plus the request and batch minute windows. */
export function createRealmLimiter(
  limits: QuickBooksLimits = {},
  sleep: Sleep = realSleep,
  now: () => number = Date.now,
): RealmLimiter {
  const requests = windowOf(limits.requestsPerMinute ?? 500, sleep, now)
  const batches = windowOf(limits.batchPerMinute ?? 40, sleep, now)
  const slots = createLimiter(limits.concurrent ?? 10)
  return {
    async run(kind, task) {
      // The windows are passed before a slot is taken: a call waiting out a minute holds no slot.
      if (kind === 'batch') await batches()
      await requests()
      return slots.run(task)
    },
  }
}

const registry = new Map<string, RealmLimiter>()

/**
 * The limiter shared by every client of one realm in this process with the same limits (QuickBooks counts
 * per realm, not per client object).
 */
export function sharedRealmLimiter(realmId: string, limits: QuickBooksLimits, sleep: Sleep): RealmLimiter {
  const key = JSON.stringify([realmId, limits.requestsPerMinute, limits.concurrent, limits.batchPerMinute])
  let limiter = registry.get(key)
  if (!limiter) {
    limiter = createRealmLimiter(limits, sleep)
    registry.set(key, limiter)
  }
  return limiter
}
