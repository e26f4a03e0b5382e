import type { Result } from 'neverthrow'
import type { InputLimits } from '../limits/input-limits.ts'
import type { Store } from '../store/store.ts'
import type { TenantId } from '../types/primitives.ts'
import type { ParsedBody } from '../webhooks/body.ts'
import { parseBody } from '../webhooks/body.ts'
import type { WebhookError } from '../webhooks/webhook-error.ts'
import type { WebhookHandler } from '../webhooks/webhook-handler.ts'
import { createWebhookHandler } from '../webhooks/webhook-handler.ts'
import type { HandlerContext } from './handler-context.ts'
import { routeTenant } from './handler-context.ts'
import type { HandlerBaseOptions } from './handler-options.ts'

/** One event as a sender's reader made it: its unique id, its type and the payload kept in the inbox. */
export interface InboxEvent {
  /** The sender's event id (Moodle's UUID): the inbox's de-duplication key within the source. */
  readonly eventId: string
  readonly type: string
  readonly payload: unknown
}

/** Options of {@link createEventInboxHandler}. */
export interface EventInboxHandlerOptions extends HandlerBaseOptions {
  /** The inbox the events are appended to. */
  readonly store: Store
  /** The inbox source the events are stored under, e.g. `"moodle"`. */
  readonly source: string
  /** Reads one delivery's parsed body into its event, or refuses it (400 / 415). */
  readonly read: (body: ParsedBody) => Result<InboxEvent, WebhookError>
  /**
   * Depth, text length and record count limits, checked on the body's text before it is parsed (400 or
   * 413 naming the limit). @default core's `DEFAULT_INPUT_LIMITS`
   */
  readonly limits?: InputLimits | undefined
  /** Larger bodies are refused with 413. @default 1 MiB */
  readonly maxBodyBytes?: number | undefined
  /**
   * Called once an event is stored for the first time (not for duplicates), after the answer is decided:
   * start the processor here (e.g. drain the inbox). It must not throw; what it starts must not hold the
   * answer up (the sender waits for nothing but the event being stored).
   */
  readonly onAccepted?: ((tenant: TenantId, event: InboxEvent) => void) | undefined
}

/**
 * An event intake for senders that retry until they get a 2xx (the Moodle plugin): authenticates, reads
 * the event and appends it to the tenant's inbound-event inbox, answering 202 `accepted`. The inbox is the
 * de-duplication: its (source, event id) key is unique, so a redelivered event is stored once and answered
 * 200 `duplicate`, even when two deliveries race. The events wait there (listed by the listing handlers'
 * `events`) until a processor marks them handled.
 *
 * @example
 * ```ts
 * const moodleEvents = createEventInboxHandler({
 *   store, knownTenant, source: 'moodle', read: readPluginEvent,
 *   authenticate: bearerAuth({ token: (t) => tenants[t]?.moodleToken }),
 * })
 * ```
 */
export function createEventInboxHandler(options: EventInboxHandlerOptions): WebhookHandler<HandlerContext> {
  const { store, source } = options
  return createWebhookHandler<InboxEvent, HandlerContext>({
    resolveTenant: routeTenant(options.knownTenant),
    authenticate: options.authenticate,
    maxBodyBytes: options.maxBodyBytes,
    read: (body, request) =>
      parseBody(body, request.headers.get('content-type'), options.limits).andThen(options.read),
    process: ({ tenant, payload }) =>
      store
        .appendEvents(tenant, [
          { source, eventId: payload.eventId, type: payload.type, payload: payload.payload },
        ])
        .map(({ appended }) => {
          if (appended.length === 0)
            return { status: 200, body: { status: 'duplicate', eventId: payload.eventId } }
          options.onAccepted?.(tenant, payload)
          return { status: 202, body: { status: 'accepted', eventId: payload.eventId } }
        }),
  })
}
