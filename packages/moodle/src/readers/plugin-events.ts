import type { ParseIssue } from '@edusync/core'
import { ParseError } from '@edusync/core'
import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import * as z from 'zod'
import { readGradeEventFast } from './grade-event-fast.ts'

// Moodle ids arrive as JSON numbers or as digit strings (PHP casts vary by field); both become strings.
const moodleId = z.preprocess(
  (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v),
  z
    .string({ error: 'expected a Moodle id' })
    .regex(/^[1-9]\d*$/, { message: 'expected a Moodle id (a positive integer)' }),
)

const unixSeconds = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)])
const optText = z.string().nullable().optional()
// PHP floats without a fraction arrive as integers, and some plugin paths send numeric strings.
const gradeNumber = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^-?\d+(\.\d+)?$/, { message: 'expected a number' })
      .transform(Number),
  ])
  .nullable()
  .optional()

/** The plugin's envelope: `{event_id, event_type, event_data, moodle_event_id, timestamp}`. */
export const pluginEnvelope = z.object({
  event_id: z.string().trim().min(1),
  event_type: z.string().trim().min(1),
  // Checked as an object, not walked as a record: the typed schema of its event type reads its fields
  // next, and copying every key here first cost a third of reading a grade event.
  event_data: z.custom<Record<string, unknown>>(
    (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
    { message: 'expected an object' },
  ),
  timestamp: unixSeconds.optional(),
})

/** `user_created` / `user_updated` data. */
export const userEventData = z.object({
  userid: moodleId,
  username: z.string().trim().min(1),
  email: z.string().trim().min(1),
  firstname: z.string().trim().min(1),
  lastname: z.string().trim().min(1),
  phone1: optText,
  phone2: optText,
  city: optText,
  country: optText,
  role: z.enum(['student', 'teacher', 'other']),
  timemodified: unixSeconds.optional(),
})

/** `enrollment_created` data. */
export const enrollmentCreatedData = z.object({
  enrollment_id: moodleId,
  userid: moodleId,
  courseid: moodleId,
  course_name: optText,
  course_shortname: optText,
  /** 0 active, 1 suspended. */
  status: z.union([z.literal(0), z.literal(1), z.literal('0'), z.literal('1')]).optional(),
  enrol_method: optText,
  timestart: unixSeconds.nullable().optional(),
  timeend: unixSeconds.nullable().optional(),
})

/** `enrollment_deleted` data (its names differ from `enrollment_created`'s). */
export const enrollmentDeletedData = z.object({
  enrolment_id: moodleId,
  user_id: moodleId,
  course_id: moodleId,
})

const learningOutcome = z.object({
  code: z.string().trim().min(1),
  level: optText,
  description: optText,
  score: z.union([z.string(), z.number()]).nullable().optional(),
  feedback: optText,
})

/** `grade_updated` data: a graded submission, or the daily task's F / RR rows. */
export const gradeUpdatedData = z.object({
  student_id: moodleId,
  assignment_id: moodleId,
  course_id: moodleId,
  raw_grade: gradeNumber,
  attempt_number: z
    .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)])
    .nullable()
    .optional(),
  feedback: optText,
  learning_outcomes: z.array(learningOutcome).nullable().optional(),
  grader_name: optText,
  grader_role: optText,
  status: optText,
  workflow_state: optText,
  graded_at: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/, { message: 'expected "Y-m-d H:i:s"' })
    .nullable()
    .optional(),
  is_rr_update: z.boolean().optional(),
})

/** `course_created` / `course_updated` data. */
export const courseEventData = z.object({
  courseid: moodleId,
  fullname: z.string().trim().min(1),
  shortname: z.string().trim().min(1),
  idnumber: optText,
  categoryid: moodleId.optional(),
  startdate: unixSeconds.nullable().optional(),
  enddate: unixSeconds.nullable().optional(),
  visible: z.union([z.number().int(), z.boolean(), z.string()]).optional(),
})

/** A plugin event read strictly, by type. */
export type PluginEvent =
  | {
      readonly type: 'user_created' | 'user_updated'
      readonly eventId: string
      readonly data: z.output<typeof userEventData>
    }
  | {
      readonly type: 'enrollment_created'
      readonly eventId: string
      readonly data: z.output<typeof enrollmentCreatedData>
    }
  | {
      readonly type: 'enrollment_deleted'
      readonly eventId: string
      readonly data: z.output<typeof enrollmentDeletedData>
    }
  | {
      readonly type: 'grade_updated'
      readonly eventId: string
      readonly data: z.output<typeof gradeUpdatedData>
    }
  | {
      readonly type: 'course_created' | 'course_updated'
      readonly eventId: string
      readonly data: z.output<typeof courseEventData>
    }

/** The event types the processor maps to canonical records. */
export const PLUGIN_EVENT_TYPES = [
  'user_created',
  'user_updated',
  'enrollment_created',
  'enrollment_deleted',
  'grade_updated',
  'course_created',
  'course_updated',
] as const

const DATA = {
  user_created: userEventData,
  user_updated: userEventData,
  enrollment_created: enrollmentCreatedData,
  enrollment_deleted: enrollmentDeletedData,
  grade_updated: gradeUpdatedData,
  course_created: courseEventData,
  course_updated: courseEventData,
} as const

function issuesOf(error: z.ZodError, input: unknown, prefix: string): ParseIssue[] {
  return error.issues.map((issue) => {
    let received: unknown = input
    for (const key of issue.path) {
      received =
        received !== null && typeof received === 'object'
          ? (received as Record<PropertyKey, unknown>)[key as PropertyKey]
          : undefined
    }
    const missing = received === undefined
    return {
      path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
      rule: missing ? 'missing' : issue.code,
      message: missing ? 'required field is missing' : issue.message,
      received,
    }
  })
}

/**
 * Reads one inbox payload (the plugin's envelope) into a typed event. Fails with a {@link ParseError}
 * naming every field, rule and received value; `grade_created` (the plugin never sends it) and unknown
 * types fail with rule `unsupported_event_type`, so they are reported rather than dropped.
 */
export function readPluginEvent(payload: unknown): Result<PluginEvent, ParseError> {
  // Grade events come by the thousand: a hand-written reader takes the plainly valid ones, and gives
  // anything else to the schemas, which decide and name what is wrong (same answer, either way).
  const fast = readGradeEventFast(payload)
  return fast === undefined ? readWithSchemas(payload) : ok(fast)
}

/** @internal {@link readPluginEvent} through the zod schemas alone: the reference the fast path must match. */
export function readWithSchemas(payload: unknown): Result<PluginEvent, ParseError> {
  const envelope = pluginEnvelope.safeParse(payload)
  if (!envelope.success) return err(new ParseError('moodle event', issuesOf(envelope.error, payload, '')))
  const { event_id: eventId, event_type: type, event_data: data } = envelope.data
  const schema = (DATA as Readonly<Record<string, z.ZodType>>)[type]
  if (schema === undefined || !Object.hasOwn(DATA, type)) {
    return err(
      new ParseError(
        'moodle event',
        [
          {
            path: 'event_type',
            rule: 'unsupported_event_type',
            message:
              type === 'grade_created'
                ? 'unsupported event type: grade_created is not processed (the plugin reports graded submissions as grade_updated)'
                : `unsupported event type: expected one of ${PLUGIN_EVENT_TYPES.join(', ')}`,
            received: type,
          },
        ],
        eventId,
      ),
    )
  }
  const parsed = schema.safeParse(data)
  if (!parsed.success) {
    return err(new ParseError(`moodle ${type} event`, issuesOf(parsed.error, data, 'event_data'), eventId))
  }
  return ok({ type, eventId, data: parsed.data } as PluginEvent)
}
