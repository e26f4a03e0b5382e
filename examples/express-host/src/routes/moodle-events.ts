import { createHash } from 'node:crypto'
import { canonicalJson } from '@edusync/core'
import type { ParsedBody } from '@edusync/core/webhooks'
import { createWebhookHandler, parseBody, WebhookError } from '@edusync/core/webhooks'
import { err, ok } from 'neverthrow'
import * as z from 'zod'
import { moodleAuth } from '../auth.ts'
import type { HostServices, RequestContext } from '../context.ts'
import { zodIssues } from '../issues.ts'
import { mount, routeTenant } from '../mount.ts'

/** The event envelope the edusync Moodle plugin posts. */
export const moodleEvent = z.object({
  event_id: z.string().trim().min(1).max(200),
  event_type: z.string().trim().min(1).max(100),
  event_data: z.record(z.string(), z.unknown()),
  moodle_event_id: z.union([z.string(), z.number().int()]).optional(),
  timestamp: z.number().int().nonnegative(),
})

/** A Moodle plugin event. */
export type MoodleEvent = z.infer<typeof moodleEvent>

/** Pseudo-entity the events are kept under until the Moodle adapter handles them. */
export const MOODLE_EVENT_ENTITY = 'moodle_event'

/**
 * `POST /webhooks/:tenant/moodle/events`: authenticates the plugin's bearer token, de-duplicates by the
 * event's UUID (a resend of a handled event gets the original 202 back), stores the event and answers
 * 202. Events are kept as parked records of entity `moodle_event`, waiting for the Moodle adapter
 * (`waitingFor: moodle-adapter/<event_type>`), so they are durable and listed by `/api/:tenant/parked`.
 */
export function moodleEventsRoute(services: HostServices) {
  const { config, store } = services
  const handler = createWebhookHandler<MoodleEvent, RequestContext>({
    resolveTenant: routeTenant(config),
    authenticate: moodleAuth(config),
    maxBodyBytes: config.MAX_BODY_BYTES,
    read: (body, request) => parseBody(body, request.headers.get('content-type')).andThen(readEvent),
    idempotency: { store, sender: 'moodle', eventId: (e) => e.event_id, ttlMs: 30 * 24 * 3_600_000 },
    process: ({ tenant, payload }) => {
      const fingerprint = createHash('sha256').update(canonicalJson(payload)).digest('hex')
      return store
        .applyBatch(tenant, MOODLE_EVENT_ENTITY, {
          upserts: [],
          park: [
            {
              id: payload.event_id,
              fingerprint,
              data: payload,
              waitingFor: [{ entity: 'moodle-adapter', id: payload.event_type }],
            },
          ],
          unpark: [],
        })
        .map(() => ({ status: 202, body: { status: 'accepted', eventId: payload.event_id } }))
    },
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
