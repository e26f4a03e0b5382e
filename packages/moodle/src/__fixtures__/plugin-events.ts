// The Moodle plugin's events as the intake stores them in the inbox, shared by the inbox and step tests.
import type { Store, TenantId } from '@edusync/core'
import { StoreError } from '@edusync/core'
import { errAsync, ResultAsync } from 'neverthrow'
import { expect } from 'vitest'
import { MOODLE_EVENT_SOURCE } from '../inbox/process-inbox.ts'

let n = 0

/** The plugin's envelope around `data` (a fresh event id unless one is given). */
export function pluginEvent(type: string, data: Record<string, unknown>, eventId = `evt-${++n}`) {
  return {
    event_id: eventId,
    event_type: type,
    event_data: data,
    moodle_event_id: null,
    timestamp: 1768469400,
  }
}

/** A plugin event as {@link pluginEvent} builds it. */
export type PluginEvent = ReturnType<typeof pluginEvent>

/** Appends plugin events to the tenant's inbox, as the webhook intake does, expecting the Store to take them. */
export async function appendPluginEvents(store: Store, tenant: TenantId, ...events: PluginEvent[]) {
  const appended = await store.appendEvents(
    tenant,
    events.map((e) => ({ source: MOODLE_EVENT_SOURCE, eventId: e.event_id, type: e.event_type, payload: e })),
  )
  expect(appended.isOk()).toBe(true)
}

/** `event_data` of `user_created` / `user_updated`. */
export const userData = (userid: number, role = 'student') => ({
  userid,
  username: `user${userid}`,
  email: `user${userid}@college.edu`,
  firstname: 'Lina',
  lastname: `Haddad${userid}`,
  phone1: '',
  phone2: '',
  city: 'Amman',
  country: 'jo',
  role,
  timecreated: 1768469000,
  timemodified: 1768469400,
})

/** `event_data` of `course_created` / `course_updated`. */
export const courseData = (courseid: number, fullname = 'Networking') => ({
  courseid,
  fullname,
  shortname: `NET${courseid}`,
  idnumber: '',
  categoryid: 1,
  startdate: 1767225600,
  enddate: 0,
  visible: 1,
})

/** `event_data` of `enrollment_created`: a manual enrolment starting 2026-01-01. */
export const enrolmentData = (enrollmentId: number, userid: number, courseid: number) => ({
  enrollment_id: enrollmentId,
  userid,
  courseid,
  course_name: 'Networking',
  course_shortname: `NET${courseid}`,
  status: 0,
  enrol_method: 'manual',
  timestart: 1767225600,
  timeend: 0,
  timecreated: 1767225600,
  timemodified: 1767225600,
})

/** `event_data` of `grade_updated`, one learning outcome; `extra` overrides or adds fields. */
export const gradeData = (
  userid: number,
  courseid: number,
  assignmentid: number,
  raw: number | null,
  extra = {},
) => ({
  grade_id: 1000 + assignmentid,
  student_id: userid,
  student_name: 'Lina Haddad',
  student_email: `user${userid}@college.edu`,
  assignment_id: assignmentid,
  assignment_name: `Assignment ${assignmentid}`,
  course_id: courseid,
  course_name: 'Networking',
  grade: 'P',
  raw_grade: raw,
  attempt_number: 1,
  attemptnumber_zero_indexed: 0,
  timestamp: 1768469400,
  graded_at: '2026-01-15 10:30:00',
  grader_name: 'Omar Teacher',
  grader_role: 'Teacher',
  feedback: 'Well done',
  workflow_state: null,
  learning_outcomes: [
    {
      code: 'P1',
      level: 'P',
      description: 'Explain networking principles',
      score: '1',
      feedback: 'ok',
      achieved: true,
    },
  ],
  composite_key: `${userid}_${courseid}_${assignmentid}`,
  sync_type: 'complete',
  ...extra,
})

/**
 * `store` with one method failing (`Unavailable`) while `failing()` says so: a Store outage in the middle
 * of a drain, at the boundary of our code and the Store's.
 */
export function failingMethod(
  store: Store,
  method: keyof Store,
  failing: () => boolean,
  message = 'connection reset',
): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === method && failing()) return () => errAsync(new StoreError('Unavailable', message))
      const value = Reflect.get(target, prop, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/**
 * `store` whose `method` holds each call until a second call of it is running or `patienceMs` passed, and
 * counts the most calls running at once: whether a caller starts a second call without waiting for the
 * first, told apart deterministically (a caller that waits never reaches two; one that does not always
 * does, however fast the Store is).
 */
export function overlapGate(store: Store, method: keyof Store, patienceMs = 100) {
  let running = 0
  const seen = { most: 0 }
  let wake: (() => void) | undefined
  const gated = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver)
      if (prop !== method || typeof value !== 'function') {
        return typeof value === 'function' ? value.bind(target) : value
      }
      return (...args: unknown[]) => {
        running++
        seen.most = Math.max(seen.most, running)
        const other = wake
        wake = undefined
        other?.()
        const held =
          running >= 2
            ? Promise.resolve()
            : new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, patienceMs)
                wake = () => {
                  clearTimeout(timer)
                  resolve()
                }
              })
        return new ResultAsync(
          held.then(async () => {
            try {
              return await value.apply(target, args)
            } finally {
              running--
            }
          }),
        )
      }
    },
  })
  return { store: gated, seen }
}
