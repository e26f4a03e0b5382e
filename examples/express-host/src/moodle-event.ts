import type { InboxEvent } from '@edusync/core/handlers'
import type { ParsedBody } from '@edusync/core/webhooks'
import { WebhookError } from '@edusync/core/webhooks'
import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import * as z from 'zod'
import { zodIssues } from './issues.ts'

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

/** Reads the plugin's JSON envelope into an inbox event keyed by its UUID (415 for non-JSON, 400 naming bad fields). */
export function readMoodleEvent(body: ParsedBody): Result<InboxEvent, WebhookError> {
  if (body.kind !== 'json') {
    return err(new WebhookError('UnsupportedMediaType', 'Moodle events are JSON (application/json)'))
  }
  const parsed = moodleEvent.safeParse(body.value)
  return parsed.success
    ? ok({ eventId: parsed.data.event_id, type: parsed.data.event_type, payload: parsed.data })
    : err(
        new WebhookError('BadRequest', 'not a Moodle plugin event', {
          issues: zodIssues(parsed.error, body.value),
        }),
      )
}
