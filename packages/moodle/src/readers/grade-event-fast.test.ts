import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readGradeEventFast } from './grade-event-fast.ts'
import { readPluginEvent, readWithSchemas } from './plugin-events.ts'

const gradeEvent = (data: Record<string, unknown>, envelope: Record<string, unknown> = {}) => ({
  event_id: 'e-1',
  event_type: 'grade_updated',
  event_data: data,
  moodle_event_id: null,
  timestamp: 1768469400,
  ...envelope,
})

// The plugin's graded-submission event, as api-facts §2 shows it (extra keys the reader ignores included).
const submission = {
  grade_id: 7,
  student_id: 3,
  student_email: 's3@college.edu',
  assignment_id: '77',
  course_id: 2,
  grade: 'P',
  raw_grade: 2,
  attempt_number: 1,
  graded_at: '2026-01-15 10:30:00',
  grader_name: 'Omar Teacher',
  grader_role: 'Teacher',
  feedback: 'Well structured report',
  workflow_state: null,
  learning_outcomes: [
    { code: ' P1 ', level: 'P', description: 'Explain', score: '1', feedback: '', achieved: true },
    { code: 'M1', level: 'M', description: 'Compare', score: '', feedback: '', achieved: false },
  ],
  composite_key: '3_2_77',
  sync_type: 'complete',
}

/** A value of one field: mostly plausible, sometimes of the wrong kind, sometimes anything at all. */
const field = (...plausible: fc.Arbitrary<unknown>[]) =>
  fc.oneof(
    { weight: 20, arbitrary: fc.oneof(...plausible) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, null, '', ' ', 0, -1, 1.5, true, [], {}) },
    { weight: 1, arbitrary: fc.anything() },
  )

const id = field(
  fc.integer({ min: 1 }),
  fc.integer({ min: 1 }).map(String),
  fc.integer({ min: 1 }),
  fc.constantFrom('007', '1e3', ' 5', '5 ', 2 ** 53, Number.NaN),
)
const text = field(fc.string(), fc.constant(null))
const number = field(
  fc.double(),
  fc.integer().map(String),
  fc.constantFrom('2.50', '-1', '1.', '.5', '2e1', Number.POSITIVE_INFINITY),
)
const outcome = fc.record(
  { code: field(fc.string()), level: text, description: text, score: field(fc.string(), fc.double()) },
  { requiredKeys: [] },
)
const gradeData = fc.record(
  {
    student_id: id,
    assignment_id: id,
    course_id: id,
    raw_grade: number,
    attempt_number: field(fc.nat(), fc.nat().map(String), fc.integer()),
    feedback: text,
    learning_outcomes: field(fc.array(outcome, { maxLength: 3 }), fc.constant(null)),
    grader_name: text,
    grader_role: text,
    status: text,
    workflow_state: text,
    graded_at: field(
      fc.constantFrom('2026-01-15', '2026-01-15 10:30', '2026-01-15 10:30:00', '2026-1-15', '15/01/2026'),
    ),
    is_rr_update: field(fc.boolean()),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
)
/** Grade data the schemas accept, in every shape the plugin sends (numbers or digit strings, nulls). */
const validText = fc.option(fc.string(), { nil: null })
const validId = fc.oneof(fc.integer({ min: 1 }), fc.integer({ min: 1 }).map(String))
const validGradeData = fc.record(
  {
    student_id: validId,
    assignment_id: validId,
    course_id: validId,
    raw_grade: fc.option(
      fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer().map(String)),
      { nil: null },
    ),
    attempt_number: fc.option(fc.oneof(fc.nat(), fc.nat().map(String)), { nil: null }),
    feedback: validText,
    learning_outcomes: fc.option(
      fc.array(
        fc.record(
          {
            code: fc.stringMatching(/^ ?[PMD][1-9] ?$/),
            level: validText,
            description: validText,
            score: fc.option(fc.oneof(fc.string(), fc.integer()), { nil: null }),
            feedback: validText,
            achieved: fc.boolean(),
          },
          { requiredKeys: ['code'] },
        ),
        { maxLength: 4 },
      ),
      { nil: null },
    ),
    grader_name: validText,
    grader_role: validText,
    status: validText,
    workflow_state: validText,
    graded_at: fc.option(fc.constantFrom('2026-01-15', '2026-01-15 10:30', '2026-01-15 10:30:00'), {
      nil: null,
    }),
    is_rr_update: fc.boolean(),
    grade: fc.string(),
  },
  { requiredKeys: ['student_id', 'assignment_id', 'course_id'] },
)
const envelopeFields = fc.record(
  {
    event_id: field(fc.string()),
    event_type: field(fc.constantFrom('grade_updated', ' grade_updated ', 'grade_created', 'user_created')),
    timestamp: field(fc.nat(), fc.nat().map(String)),
  },
  { requiredKeys: [] },
)

describe('readGradeEventFast', () => {
  it('reads a plugin grade event without the schemas, exactly as they read it', () => {
    const payload = gradeEvent(submission)
    const fast = readGradeEventFast(payload)
    expect(fast).toBeDefined()
    expect(fast).toStrictEqual(readWithSchemas(payload)._unsafeUnwrap())
    expect(fast?.data.learning_outcomes?.[0]).toStrictEqual({
      code: 'P1',
      level: 'P',
      description: 'Explain',
      score: '1',
      feedback: '',
    })
  })

  it('takes the daily task rows and minimal events too', () => {
    for (const data of [
      { student_id: '3', assignment_id: 77, course_id: '2', raw_grade: null, is_rr_update: true },
      { student_id: 3, assignment_id: 77, course_id: 2 },
      { ...submission, raw_grade: '2.50', attempt_number: '2', learning_outcomes: null, graded_at: null },
    ]) {
      const payload = gradeEvent(data)
      expect(readGradeEventFast(payload)).toStrictEqual(readWithSchemas(payload)._unsafeUnwrap())
    }
  })

  it('leaves other event types and anything doubtful to the schemas', () => {
    expect(readGradeEventFast(gradeEvent(submission, { event_type: 'user_created' }))).toBeUndefined()
    expect(readGradeEventFast(gradeEvent({ ...submission, student_id: 'abc' }))).toBeUndefined()
    expect(readGradeEventFast(gradeEvent({ ...submission, raw_grade: undefined }))).toBeUndefined()
    expect(readGradeEventFast(gradeEvent(submission, { timestamp: -1 }))).toBeUndefined()
  })

  it('never answers differently from the schemas (property)', () => {
    let taken = 0
    fc.assert(
      fc.property(fc.oneof(gradeData, validGradeData), envelopeFields, (data, envelope) => {
        const payload = gradeEvent(data, envelope)
        const fast = readGradeEventFast(payload)
        const schemas = readWithSchemas(payload)
        if (fast !== undefined) {
          taken++
          expect(schemas._unsafeUnwrap()).toStrictEqual(fast)
        }
        // Whichever path reads it, readPluginEvent answers what the schemas answer.
        const read = readPluginEvent(payload)
        if (schemas.isOk()) expect(read._unsafeUnwrap()).toStrictEqual(schemas.value)
        else expect(read._unsafeUnwrapErr().issues).toStrictEqual(schemas.error.issues)
      }),
      { numRuns: 2000 },
    )
    // Enough generated events went the fast way for the comparison to mean something.
    expect(taken).toBeGreaterThan(200)
  })

  it('takes every valid grade event itself (the fast path is not dead code)', () => {
    let valid = 0
    let fast = 0
    fc.assert(
      fc.property(validGradeData, (data) => {
        const payload = gradeEvent(data)
        expect(readWithSchemas(payload).isOk()).toBe(true)
        valid++
        if (readGradeEventFast(payload) !== undefined) fast++
      }),
      { numRuns: 1000 },
    )
    expect(fast).toBe(valid)
  })
})
