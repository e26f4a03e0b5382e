import type { HandlerContext } from '@edusync/core/handlers'
import type { ClaimEvent, WebhookIdempotencyOptions } from '@edusync/core/webhooks'
import type { HostConfig } from './config.ts'

/**
 * The host's part of every idempotent route's settings: the configured lease and a log line for each
 * claim event (a claim lost to another host, a settlement retried after a database outage).
 */
export function claimSettings(
  config: HostConfig,
): Pick<WebhookIdempotencyOptions<unknown, HandlerContext>, 'leaseMs' | 'onClaimEvent'> {
  return { leaseMs: config.IDEMPOTENCY_LEASE_MS, onClaimEvent: logClaimEvent }
}

/** Logs a claim event on the request's logger (bound to its request id). */
export function logClaimEvent(event: ClaimEvent, context: HandlerContext): void {
  const log = context.log
  if (!log) return
  const { tenant, key } = event
  switch (event.type) {
    case 'lost':
      // This host stalled past the lease and another delivery took over; the Store refused the step.
      log.warn('idempotency claim lost to another delivery; not overwritten', {
        tenant,
        key,
        step: event.step,
      })
      return
    case 'renew-failed':
      log.warn('idempotency claim renewal failed', { tenant, key, error: event.error })
      return
    case 'settle-failed':
      log.warn('idempotency claim not settled; retrying', {
        tenant,
        key,
        step: event.step,
        error: event.error,
      })
      return
    case 'settled-late':
      log.info('idempotency claim settled after a retry', { tenant, key, step: event.step })
      return
    case 'abandoned':
      log.warn('idempotency claim not settled before its lease ran out', {
        tenant,
        key,
        step: event.step,
      })
      return
    default:
      event satisfies never
  }
}
