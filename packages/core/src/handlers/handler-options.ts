import type { Authenticator } from '../webhooks/authenticator.ts'
import type { WebhookIdempotencyOptions } from '../webhooks/webhook-handler.ts'
import type { HandlerContext, TenantLookup } from './handler-context.ts'

/** Options every library handler takes: who the tenants are and how a request proves it is theirs. */
export interface HandlerBaseOptions {
  /** Whether a tenant named in the route exists (404 otherwise). */
  readonly knownTenant: TenantLookup
  /**
   * How a request proves it is the tenant's (`bearerAuth`, `sharedSecretAuth`, `hmacAuth`, ...). Required:
   * there is no unauthenticated mode.
   */
  readonly authenticate: Authenticator
}

/**
 * Idempotency tuning a host may pass through to the core webhook handler (lease, how long answers are
 * remembered, `onClaimEvent` to log what happened to a claim...); the handler itself chooses the Store,
 * the sender and the version.
 */
export type IdempotencyTuning = Omit<
  Partial<WebhookIdempotencyOptions<never, HandlerContext>>,
  'store' | 'sender' | 'version' | 'eventId'
>
