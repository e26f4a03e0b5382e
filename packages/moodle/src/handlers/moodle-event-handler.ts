import type { InputLimits, Store, TenantId } from '@edusync/core'
import type { HandlerBaseOptions, HandlerContext, InboxEvent } from '@edusync/core/handlers'
import { createEventInboxHandler } from '@edusync/core/handlers'
import type { WebhookHandler } from '@edusync/core/webhooks'
import { MOODLE_EVENT_SOURCE } from '../inbox/process-inbox.ts'
import { readMoodleEventEnvelope } from './moodle-event-envelope.ts'

/** Options of {@link createMoodleEventHandler}. */
export interface MoodleEventHandlerOptions extends HandlerBaseOptions {
  /** The inbox the events are appended to (under source `"moodle"`, the one `processMoodleInbox` drains). */
  readonly store: Store
  /** Larger bodies are refused with 413. @default 1 MiB */
  readonly maxBodyBytes?: number | undefined
  /** Depth, text length and count limits checked on the body before it is parsed. @default core's `DEFAULT_INPUT_LIMITS` */
  readonly limits?: InputLimits | undefined
  /**
   * Called once an event is stored for the first time (not for a redelivery), after the answer is
   * decided: start draining the inbox here (`processMoodleInbox`). It must not throw, nor hold the answer
   * up: the plugin waits for nothing but the event being stored.
   */
  readonly onAccepted?: ((tenant: TenantId, event: InboxEvent) => void) | undefined
}

/**
 * The Moodle plugin's event intake (`POST …/:tenant/moodle/events`, usually `Authorization: Bearer
 * <token>` via `bearerAuth`): reads the plugin's envelope (415 unless JSON, 400 naming bad fields) and
 * appends it to the tenant's inbound-event inbox, answering 202 `accepted`; a redelivery of the same
 * `event_id` is stored once and answered 200 `duplicate`, so the plugin's retries are safe. The inbox
 * processor (`processMoodleInbox`) then applies the events.
 *
 * @example
 * ```ts
 * const moodleEvents = createMoodleEventHandler({
 *   store, knownTenant,
 *   authenticate: bearerAuth({ token: (t) => tenants[t]?.moodleToken }),
 *   onAccepted: (tenant) => void drain(tenant),
 * })
 * app.post('/webhooks/:tenant/moodle/events', (c) => moodleEvents(c.req.raw, { params: c.req.param() }))
 * ```
 */
export function createMoodleEventHandler(options: MoodleEventHandlerOptions): WebhookHandler<HandlerContext> {
  return createEventInboxHandler({
    store: options.store,
    knownTenant: options.knownTenant,
    authenticate: options.authenticate,
    maxBodyBytes: options.maxBodyBytes,
    limits: options.limits,
    source: MOODLE_EVENT_SOURCE,
    read: readMoodleEventEnvelope,
    onAccepted: options.onAccepted,
  })
}
