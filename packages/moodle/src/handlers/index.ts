/**
 * @module Moodle endpoints any host mounts, web-standard (`(Request, { params }) => Promise<Response>`) like
 * `@edusync/core/handlers`: the plugin's event intake, and the prelude of endpoints that call Moodle.
 */

export type { MoodleEventEnvelope } from './moodle-event-envelope.ts'
export { moodleEventEnvelope, readMoodleEventEnvelope } from './moodle-event-envelope.ts'
export type { MoodleEventHandlerOptions } from './moodle-event-handler.ts'
export { createMoodleEventHandler } from './moodle-event-handler.ts'
export type { MoodleRequestHandlerOptions } from './moodle-request-handler.ts'
export { createMoodleRequestHandler, moodleWebhookError } from './moodle-request-handler.ts'
