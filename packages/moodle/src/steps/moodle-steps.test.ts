import type { Grade, Store } from '@edusync/core'
import { createMemoryStore, createSyncEngine } from '@edusync/core'
import { createStepRunner } from '@edusync/core/steps'
import { okAsync } from 'neverthrow'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  appendPluginEvents,
  courseData,
  gradeData,
  pluginEvent,
  userData,
} from '../__fixtures__/plugin-events.ts'
import { GRADE_PUSH_STEP, gradePushStep } from './grade-push-step.ts'
import { moodleInboxStep } from './inbox-step.ts'

const T = 'acme'
let store: Store
let sent: string[]

const upsert = (grades: readonly Grade[]) => {
  sent.push(...grades.map((g) => `${g.compositeKey}:${g.grade}:${g.studentId}`))
  return okAsync(grades.map((_, index) => ({ status: 'success' as const, index, id: `z-${index}` })))
}

/** A plugin event as the intake stores it. */
const append = (type: string, data: Record<string, unknown>) =>
  appendPluginEvents(store, T, pluginEvent(type, data))

// The letter as the plugin sends it; no learning outcomes.
const grade = (userid: number, courseid: number, assignmentid: number, letter: string, raw: number) =>
  gradeData(userid, courseid, assignmentid, raw, { grade: letter, learning_outcomes: [] })

beforeEach(() => {
  store = createMemoryStore()
  sent = []
})

const runner = (upsertFor: () => typeof upsert | undefined = () => upsert) =>
  createStepRunner({
    store,
    steps: [
      moodleInboxStep({ store, engine: createSyncEngine({ store }) }),
      gradePushStep({ store, upsert: upsertFor }),
    ],
  })

describe('moodle:inbox and moodle:grade-push steps', () => {
  it('drains the inbox into records, then writes its grades back to the CRM once each', async () => {
    await append('course_created', courseData(12))
    await append('user_created', userData(3))
    await append('grade_updated', grade(3, 12, 77, 'P', 2))
    await store.upsertLinks(T, [
      { entity: 'student', id: 'moodle-user-3', system: 'zoho', externalId: '5843000000003' },
      { entity: 'class', id: 'moodle-course-12', system: 'zoho', externalId: '5843000000012' },
    ])
    const first = (await runner().run(T, {}))._unsafeUnwrap()
    expect(first.status).toBe('completed')
    expect(first.steps.map((s) => [s.step, s.status])).toEqual([
      ['moodle:inbox', 'completed'],
      [GRADE_PUSH_STEP, 'completed'],
    ])
    expect(first.steps[0]?.counts).toMatchObject({ total: 3, new: 3 })
    expect(first.steps[0]?.details).toMatchObject({ read: 3, handled: 3, grades: ['moodle-grade-3_12_77'] })
    expect(first.steps[1]?.counts).toMatchObject({ total: 1, updated: 1 })
    expect(sent).toEqual(['3_12_77:P:5843000000003'])

    // Nothing new in the inbox: nothing is sent again.
    const second = (await runner().run(T, {}))._unsafeUnwrap()
    expect(second.steps[1]?.counts).toMatchObject({ total: 0 })
    expect(sent).toHaveLength(1)

    // A re-grade arrives: it goes out, once.
    await append('grade_updated', grade(3, 12, 77, 'M', 3))
    const third = (await runner().run(T, {}))._unsafeUnwrap()
    expect(third.steps[1]?.counts).toMatchObject({ total: 1, updated: 1 })
    expect(sent).toEqual(['3_12_77:P:5843000000003', '3_12_77:M:5843000000003'])
  })

  it('keeps a grade whose student has no CRM record waiting, and sends it once the student is linked', async () => {
    await append('course_created', courseData(12))
    await append('user_created', userData(4))
    await append('grade_updated', grade(4, 12, 78, 'D', 4))
    await store.upsertLinks(T, [
      { entity: 'class', id: 'moodle-course-12', system: 'zoho', externalId: '5843000000012' },
    ])
    const first = (await runner().run(T, {}))._unsafeUnwrap()
    expect(first.steps[1]?.counts).toMatchObject({ total: 1, deferred: 1 })
    expect(sent).toEqual([])
    await store.upsertLinks(T, [
      { entity: 'student', id: 'moodle-user-4', system: 'zoho', externalId: '5843000000004' },
    ])
    const second = (await runner().run(T, { only: [GRADE_PUSH_STEP] }))._unsafeUnwrap()
    expect(second.steps[0]?.counts).toMatchObject({ total: 1, updated: 1 })
    expect(sent).toEqual(['4_12_78:D:5843000000004'])
  })

  it('fails the grade push naming the tenant when it has no CRM connection; the inbox step still completed', async () => {
    await append('user_created', userData(5))
    const report = (await runner(() => undefined).run(T, { continueOnError: true }))._unsafeUnwrap()
    expect(report.status).toBe('failed')
    expect(report.steps.map((s) => s.status)).toEqual(['completed', 'failed'])
    expect(report.steps[1]?.error).toBe('acme has no CRM connection for the grade push')
  })
})
