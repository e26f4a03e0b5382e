import { toParseIssues } from '@edusync/core'
import type { InboxEvent } from '@edusync/core/handlers'
import type { ParsedBody } from '@edusync/core/webhooks'
import { WebhookError } from '@edusync/core/webhooks'
import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import * as z from 'zod'

/**
 * The event envelope the edusync Moodle plugin posts, as the intake accepts it: bounded ids and types, the
 * event's data as an object. What the data holds is checked later, per event type, by the inbox processor
 * (`readPluginEvent`), so an event of a type this release does not know yet is still stored.
 */
export const moodleEventEnvelope = z.object({
  event_id: z.string().trim().min(1).max(200),
  event_type: z.string().trim().min(1).max(100),
  event_data: z.record(z.string(), z.unknown()),
  // The plugin sends null here on every event (moodle-plugin-ws.md §3).
  moodle_event_id: z.union([z.string(), z.number().int()]).nullable().optional(),
  timestamp: z.number().int().nonnegative(),
})

/** A Moodle plugin event as posted. */
export type MoodleEventEnvelope = z.infer<typeof moodleEventEnvelope>

/**
 * Reads the plugin's JSON envelope into an inbox event keyed by its UUID: 415 for a body that is not JSON,
 * 400 naming every bad field with the value received.
 */
export function readMoodleEventEnvelope(body: ParsedBody): Result<InboxEvent, WebhookError> {
  if (body.kind !== 'json') {
    return err(new WebhookError('UnsupportedMediaType', 'Moodle events are JSON (application/json)'))
  }
  const parsed = moodleEventEnvelope.safeParse(body.value)
  return parsed.success
    ? ok({ eventId: parsed.data.event_id, type: parsed.data.event_type, payload: parsed.data })
    : err(
        new WebhookError('BadRequest', 'not a Moodle plugin event', {
          issues: toParseIssues(parsed.error.issues, body.value),
        }),
      )
}
