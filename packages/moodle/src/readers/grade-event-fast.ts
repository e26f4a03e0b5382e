import type { PluginEvent } from './plugin-events.ts'

// A fast path of `readPluginEvent` for the one event type that arrives by the thousand: `grade_updated`
// (every graded submission, and the daily task's F / RR rows). Reading one through zod cost more than
// parsing its JSON; this reads the same fields by hand in a fraction of that.
//
// It never decides on its own that an event is bad: it answers the event exactly as the zod schemas
// (plugin-events.ts) would read it, or `undefined` whenever anything is not plainly valid, and then the
// schemas read the event again and name every field, rule and value. So it can be strict in the narrow
// sense only (accept a subset of what the schemas accept, with the same output), which the property test
// in grade-event-fast.test.ts checks against the schemas on generated events.

type GradeEvent = Extract<PluginEvent, { type: 'grade_updated' }>
type Out = Record<string, unknown>

/** Returned by a field reader when the value is not plainly valid: the schemas decide then. */
const UNSURE: unique symbol = Symbol('unsure')
type Read<T> = T | typeof UNSURE

const MOODLE_ID = /^[1-9]\d*$/
const DIGITS = /^\d+$/
const DECIMAL = /^-?\d+(\.\d+)?$/
const GRADED_AT = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/

/** A JSON object (what `JSON.parse` and the drivers give); anything more exotic goes to the schemas. */
function isPlain(v: unknown): v is Readonly<Record<string, unknown>> {
  if (v === null || typeof v !== 'object') return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

const trimmed = (v: unknown): Read<string> => {
  if (typeof v !== 'string') return UNSURE
  const t = v.trim()
  return t.length > 0 ? t : UNSURE
}

const moodleId = (v: unknown): Read<string> => {
  const s = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v
  return typeof s === 'string' && MOODLE_ID.test(s) ? s : UNSURE
}

const text = (v: unknown): Read<string | null> => (typeof v === 'string' || v === null ? v : UNSURE)

const unixSeconds = (v: unknown): Read<number> => {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : UNSURE
  return typeof v === 'string' && DIGITS.test(v) ? Number(v) : UNSURE
}

const gradeNumber = (v: unknown): Read<number | null> => {
  if (v === null) return null
  if (typeof v === 'number') return Number.isFinite(v) ? v : UNSURE
  return typeof v === 'string' && DECIMAL.test(v) ? Number(v) : UNSURE
}

const attemptNumber = (v: unknown): Read<number | null> => (v === null ? null : unixSeconds(v))

const gradedAt = (v: unknown): Read<string | null> =>
  v === null || (typeof v === 'string' && GRADED_AT.test(v)) ? v : UNSURE

const score = (v: unknown): Read<string | number | null> =>
  v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) ? v : UNSURE

/**
 * Copies the optional field `key` through `read` into `out`: absent stays absent (as in the schemas'
 * output); a key present with `undefined` is left to the schemas. `false` when the value is not sure.
 */
function optional(
  from: Readonly<Record<string, unknown>>,
  out: Out,
  key: string,
  read: (v: unknown) => unknown,
): boolean {
  const v = from[key]
  if (v === undefined) return !Object.hasOwn(from, key)
  const r = read(v)
  if (r === UNSURE) return false
  out[key] = r
  return true
}

function learningOutcome(v: unknown): Read<Out> {
  if (!isPlain(v)) return UNSURE
  const code = trimmed(v.code)
  if (code === UNSURE) return UNSURE
  const out: Out = { code }
  if (
    optional(v, out, 'level', text) &&
    optional(v, out, 'description', text) &&
    optional(v, out, 'score', score) &&
    optional(v, out, 'feedback', text)
  )
    return out
  return UNSURE
}

const learningOutcomes = (v: unknown): Read<Out[] | null> => {
  if (v === null) return null
  if (!Array.isArray(v) || Object.getPrototypeOf(v) !== Array.prototype) return UNSURE
  const out: Out[] = new Array(v.length)
  for (let i = 0; i < v.length; i++) {
    const lo = learningOutcome(v[i])
    if (lo === UNSURE) return UNSURE
    out[i] = lo
  }
  return out
}

const isBoolean = (v: unknown): Read<boolean> => (typeof v === 'boolean' ? v : UNSURE)

/**
 * @internal A `grade_updated` payload read exactly as `readPluginEvent`'s schemas read it, or `undefined`
 * when it is another type or anything in it is not plainly valid (then the schemas read it and report).
 */
export function readGradeEventFast(payload: unknown): GradeEvent | undefined {
  if (!isPlain(payload)) return undefined
  const type = trimmed(payload.event_type)
  if (type !== 'grade_updated') return undefined
  const eventId = trimmed(payload.event_id)
  const data = payload.event_data
  if (eventId === UNSURE || !isPlain(data)) return undefined
  if (payload.timestamp !== undefined && unixSeconds(payload.timestamp) === UNSURE) return undefined

  const studentId = moodleId(data.student_id)
  const assignmentId = moodleId(data.assignment_id)
  const courseId = moodleId(data.course_id)
  if (studentId === UNSURE || assignmentId === UNSURE || courseId === UNSURE) return undefined
  const out: Out = { student_id: studentId, assignment_id: assignmentId, course_id: courseId }
  const sure =
    optional(data, out, 'raw_grade', gradeNumber) &&
    optional(data, out, 'attempt_number', attemptNumber) &&
    optional(data, out, 'feedback', text) &&
    optional(data, out, 'learning_outcomes', learningOutcomes) &&
    optional(data, out, 'grader_name', text) &&
    optional(data, out, 'grader_role', text) &&
    optional(data, out, 'status', text) &&
    optional(data, out, 'workflow_state', text) &&
    optional(data, out, 'graded_at', gradedAt) &&
    optional(data, out, 'is_rr_update', isBoolean)
  if (!sure) return undefined
  return { type: 'grade_updated', eventId, data: out as GradeEvent['data'] }
}
