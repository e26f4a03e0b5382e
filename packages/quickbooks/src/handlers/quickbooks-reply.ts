import type { WebhookReply } from '@edusync/core/webhooks'
import type { QuickBooksError } from '../errors.ts'

/**
 * The answer for a failed QuickBooks operation: 409 when the tenant must connect (again), with
 * `reconsent`; 503 when retrying later helps (throttled, unavailable, the Store down); 502 for any other
 * upstream failure. Messages are already redacted (no token ever appears); `intuitTid` is the id Intuit
 * support asks for.
 */
export function quickbooksFailure(error: QuickBooksError): WebhookReply {
  const status =
    error.reason === 'Auth'
      ? 409
      : error.reason === 'RateLimited' || error.retryable || error.reason === 'Store'
        ? 503
        : 502
  return {
    status,
    body: {
      error: {
        reason: error.reason,
        message: error.message,
        reconsent: error.reconsent,
        intuitTid: error.intuitTid ?? null,
      },
    },
  }
}
