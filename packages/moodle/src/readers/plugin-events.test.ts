import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readPluginEvent } from './plugin-events.ts'

const envelope = (type: string, data: Record<string, unknown>) => ({
  event_id: 'e-1',
  event_type: type,
  event_data: data,
  moodle_event_id: null,
  timestamp: 1768469400,
})

describe('readPluginEvent', () => {
  it('reads ids given as numbers or digit strings as strings', () => {
    const read = readPluginEvent(
      envelope('enrollment_deleted', { enrolment_id: '44', user_id: 3, course_id: 12, action: 'deleted' }),
    )
    expect(read._unsafeUnwrap()).toEqual({
      type: 'enrollment_deleted',
      eventId: 'e-1',
      data: { enrolment_id: '44', user_id: '3', course_id: '12' },
    })
  })

  it('names the field, the rule and the value received', () => {
    const error = readPluginEvent(
      envelope('grade_updated', { student_id: 'abc', assignment_id: 0, course_id: 2, raw_grade: 'three' }),
    )._unsafeUnwrapErr()
    expect(error.issues).toEqual([
      expect.objectContaining({ path: 'event_data.student_id', received: 'abc' }),
      expect.objectContaining({ path: 'event_data.assignment_id', received: 0 }),
      expect.objectContaining({ path: 'event_data.raw_grade', received: 'three' }),
    ])
    expect(error.message).toContain('event_data.student_id')
  })

  it('refuses something that is not the plugin envelope', () => {
    const error = readPluginEvent({ type: 'grade_updated' })._unsafeUnwrapErr()
    expect(error.issues.map((i) => i.path)).toEqual(['event_id', 'event_type', 'event_data'])
  })

  it('reads a numeric-string grade and a null grade', () => {
    const base = { student_id: 3, assignment_id: 77, course_id: 2 }
    const a = readPluginEvent(envelope('grade_updated', { ...base, raw_grade: '2.50' }))._unsafeUnwrap()
    const b = readPluginEvent(envelope('grade_updated', { ...base, raw_grade: null }))._unsafeUnwrap()
    expect(a.type === 'grade_updated' && a.data.raw_grade).toBe(2.5)
    expect(b.type === 'grade_updated' && b.data.raw_grade).toBeNull()
  })

  it('never throws, whatever the payload', () => {
    fc.assert(
      fc.property(
        fc.anything(),
        fc.constantFrom('user_created', 'grade_updated', 'course_updated', 'x'),
        (data, type) => {
          const read = readPluginEvent(
            typeof data === 'object' && data !== null
              ? envelope(type, data as Record<string, unknown>)
              : data,
          )
          expect(read.isOk() || read.isErr()).toBe(true)
        },
      ),
    )
  })
})
