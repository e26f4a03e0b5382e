import type { ParsedBody } from '@edusync/core/webhooks'
import { createWebhookHandler, parseBody, WebhookError } from '@edusync/core/webhooks'
import { err, ok } from 'neverthrow'
import * as z from 'zod'
import { moodleAuth } from '../auth.ts'
import type { HostServices, RequestContext } from '../context.ts'
import { zodIssues } from '../issues.ts'
import { webhookLimits } from '../limits.ts'
import { mount, routeTenant } from '../mount.ts'

/** The event envelope the edusync Moodle plugin posts. */
export const moodleEvent = z.object({
  event_id: z.string().trim().min(1).max(200),
  event_type: z.string().trim().min(1).max(100),
  event_data: z.record(z.string(), z.unknown()),
  // The plugin sends null here on every event (moodle-plugin-ws.md §3).
  moodle_event_id: z.union([z.string(), z.number().int()]).nullable().optional(),
  timestamp: z.number().int().nonnegative(),
})

/** A Moodle plugin event. */
export type MoodleEvent = z.infer<typeof moodleEvent>

/** The inbox source the plugin's events are stored under. */
export const MOODLE_SOURCE = 'moodle'

/**
 * `POST /webhooks/:tenant/moodle/events`: authenticates the plugin's bearer token, then appends the event
 * to the tenant's inbound-event inbox (source `moodle`, keyed by the event's UUID) and answers 202. The
 * inbox is the de-duplication: its key is unique, so a redelivered `event_id` (the plugin retries until it
 * gets a 2xx) is stored once and acknowledged with 200 `duplicate`, even when two deliveries race. The
 * inbox processor (`@edusync/moodle`) runs after each accepted event and marks events handled once their
 * records are written; unreadable ones stay pending with their error, listed by `GET /api/:tenant/events`.
 */
export function moodleEventsRoute(services: HostServices) {
  const { config, store, moodle } = services
  const handler = createWebhookHandler<MoodleEvent, RequestContext>({
    resolveTenant: routeTenant(config),
    authenticate: moodleAuth(config),
    maxBodyBytes: config.MAX_BODY_BYTES,
    read: (body, request) =>
      parseBody(body, request.headers.get('content-type'), webhookLimits(config)).andThen(readEvent),
    process: ({ tenant, payload }) =>
      store
        .appendEvents(tenant, [
          { source: MOODLE_SOURCE, eventId: payload.event_id, type: payload.event_type, payload },
        ])
        .map(({ appended }) => {
          // Processed after the answer: the plugin waits for nothing but the event being stored.
          if (appended.length > 0) void moodle.drain(tenant)
          return appended.length > 0
            ? { status: 202, body: { status: 'accepted', eventId: payload.event_id } }
            : { status: 200, body: { status: 'duplicate', eventId: payload.event_id } }
        }),
  })
  return mount(handler, config.MAX_BODY_BYTES)
}

function readEvent(body: ParsedBody) {
  if (body.kind !== 'json') {
    return err(new WebhookError('UnsupportedMediaType', 'Moodle events are JSON (application/json)'))
  }
  const parsed = moodleEvent.safeParse(body.value)
  return parsed.success
    ? ok(parsed.data)
    : err(
        new WebhookError('BadRequest', 'not a Moodle plugin event', {
          issues: zodIssues(parsed.error, body.value),
        }),
      )
}
