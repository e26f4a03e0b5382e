import type { Store } from '@edusync/core'
import { createMemoryStore, createSyncEngine } from '@edusync/core'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { storeFactory } from '../../../store-pg/test/fixtures.ts'
import type { PluginEvent } from '../__fixtures__/plugin-events.ts'
import {
  appendPluginEvents,
  courseData,
  enrolmentData,
  failingMethod,
  gradeData,
  overlapGate,
  pluginEvent,
  userData,
} from '../__fixtures__/plugin-events.ts'
import type { InboxReport } from './process-inbox.ts'
import { MOODLE_EVENT_SOURCE, MOODLE_INBOX_STEP, processMoodleInbox } from './process-inbox.ts'

const T = 'acme'

const append = (store: Store, ...events: PluginEvent[]) => appendPluginEvents(store, T, ...events)

/** Students the CRM already has (written through the engine, as a Zoho pull would). */
async function seedStudents(store: Store, ...records: Record<string, unknown>[]) {
  await createSyncEngine({ store }).syncBatch({ tenant: T, entity: 'student', records })
}

async function drain(store: Store): Promise<InboxReport> {
  const result = await processMoodleInbox({ store, engine: createSyncEngine({ store }), tenant: T })
  return result._unsafeUnwrap()
}

const pending = async (store: Store) =>
  (await store.listEvents(T, { source: MOODLE_EVENT_SOURCE, handled: false }))
    ._unsafeUnwrap()
    .map((e) => e.eventId)

const record = async (store: Store, entity: string, id: string) =>
  (await store.readRecords(T, entity, [id]))._unsafeUnwrap().get(id)?.data

function describeProcessor(name: string, create: () => Promise<Store>, teardown: () => Promise<void>) {
  describe(`processMoodleInbox on ${name}`, () => {
    afterEach(teardown)

    it('turns user_created into a student linked to the Moodle user, then marks it handled', async () => {
      const store = await create()
      await append(store, pluginEvent('user_created', userData(3), 'u-3'))
      const report = await drain(store)
      expect(report).toMatchObject({ read: 1, handled: 1, failures: [] })
      expect(await record(store, 'student', 'moodle-user-3')).toMatchObject({
        firstName: 'Lina',
        lastName: 'Haddad3',
        academicEmail: 'user3@college.edu',
        country: 'JO',
        status: 'active',
      })
      const links = (await store.findByExternalIds(T, 'moodle', 'student', ['3']))._unsafeUnwrap()
      expect(links.get('3')).toBe('moodle-user-3')
      expect(await pending(store)).toEqual([])
    })

    it('merges user_updated into a linked student instead of overwriting the CRM fields', async () => {
      const store = await create()
      await seedStudents(store, {
        id: '5843000000111',
        firstName: 'Old',
        lastName: 'Name',
        status: 'frozen',
        nationality: 'JO',
      })
      await store.upsertLinks(T, [
        { entity: 'student', id: '5843000000111', system: 'moodle', externalId: '7' },
      ])
      await append(store, pluginEvent('user_updated', userData(7)))
      const report = await drain(store)
      expect(report.counts.updated).toBe(1)
      expect(await record(store, 'student', '5843000000111')).toMatchObject({
        firstName: 'Lina',
        status: 'frozen',
        nationality: 'JO',
      })
    })

    it('links a Moodle user without a link to the one student with their e-mail, merging, not duplicating', async () => {
      const store = await create()
      await seedStudents(
        store,
        {
          id: '5843000000201',
          firstName: 'Old',
          lastName: 'Name',
          status: 'frozen',
          // Normalised before comparing: surrounding space and ASCII case do not matter.
          academicEmail: 'User21@College.EDU',
        },
        {
          id: '5843000000202',
          firstName: 'Other',
          lastName: 'One',
          status: 'active',
          email: 'x@college.edu',
        },
      )
      await append(
        store,
        pluginEvent('user_created', { ...userData(21), email: '  user21@college.edu ' }, 'u-21'),
        pluginEvent('grade_updated', gradeData(21, 12, 1, 3), 'g-21'),
      )
      const report = await drain(store)
      expect(report).toMatchObject({ handled: 2, failures: [] })
      const links = (await store.findByExternalIds(T, 'moodle', 'student', ['21']))._unsafeUnwrap()
      expect(links.get('21')).toBe('5843000000201')
      expect(await record(store, 'student', 'moodle-user-21')).toBeUndefined()
      expect(await record(store, 'student', '5843000000201')).toMatchObject({
        firstName: 'Lina',
        status: 'frozen',
      })
      // The grade of the same round resolved to the matched student too.
      const grades = (await store.listParked(T, { entity: 'grade' }))._unsafeUnwrap()
      expect(grades.map((g) => g.data.studentId)).toEqual(['5843000000201'])
    })

    it('refuses an ambiguous e-mail, naming it and the candidates, and leaves the event pending', async () => {
      const store = await create()
      await seedStudents(
        store,
        {
          id: '5843000000302',
          firstName: 'A',
          lastName: 'B',
          status: 'active',
          email: 'user30@college.edu',
        },
        {
          id: '5843000000301',
          firstName: 'C',
          lastName: 'D',
          status: 'active',
          academicEmail: 'USER30@college.edu',
        },
      )
      await append(store, pluginEvent('user_created', userData(30), 'u-30'))
      const report = await drain(store)
      expect(report.handled).toBe(0)
      expect(report.failures).toEqual([
        {
          eventId: 'u-30',
          type: 'user_created',
          error:
            'Moodle user 30: e-mail user30@college.edu matches 2 students (5843000000301, 5843000000302); none is linked: link the right one by hand',
        },
      ])
      expect(await pending(store)).toEqual(['u-30'])
      expect((await store.findByExternalIds(T, 'moodle', 'student', ['30']))._unsafeUnwrap().size).toBe(0)
      expect(await record(store, 'student', 'moodle-user-30')).toBeUndefined()
      // Linked by hand, the next drain merges into that student.
      await store.upsertLinks(T, [
        { entity: 'student', id: '5843000000301', system: 'moodle', externalId: '30' },
      ])
      expect(await drain(store)).toMatchObject({ handled: 1, failures: [] })
      expect(await record(store, 'student', '5843000000301')).toMatchObject({ firstName: 'Lina' })
    })

    it('never moves an existing link: a student linked to another Moodle user is not re-linked', async () => {
      const store = await create()
      await seedStudents(store, {
        id: '5843000000401',
        firstName: 'A',
        lastName: 'B',
        status: 'active',
        email: 'user41@college.edu',
      })
      await store.upsertLinks(T, [
        { entity: 'student', id: '5843000000401', system: 'moodle', externalId: '40' },
      ])
      await append(store, pluginEvent('user_created', userData(41), 'u-41'))
      const report = await drain(store)
      expect(report.failures.map((f) => f.error)).toEqual([
        'Moodle user 41: e-mail user41@college.edu matches student 5843000000401, which is already linked to Moodle user 40; the link is not changed',
      ])
      expect(await pending(store)).toEqual(['u-41'])
      const links = (await store.readLinks(T, 'student', ['5843000000401']))._unsafeUnwrap()
      expect(links.get('5843000000401')?.map((l) => l.externalId)).toEqual(['40'])
    })

    it('refuses both of two Moodle users of one round that match the same student', async () => {
      const store = await create()
      await seedStudents(store, {
        id: '5843000000601',
        firstName: 'A',
        lastName: 'B',
        status: 'active',
        email: 'twin@college.edu',
      })
      await append(
        store,
        pluginEvent('user_created', { ...userData(60), email: 'twin@college.edu' }, 'u-60'),
        pluginEvent('user_created', { ...userData(61), email: 'Twin@college.edu' }, 'u-61'),
      )
      const report = await drain(store)
      expect(report.failures.map((f) => f.eventId).sort()).toEqual(['u-60', 'u-61'])
      expect(report.failures[0]?.error).toContain('5843000000601')
      expect((await store.readLinks(T, 'student', ['5843000000601']))._unsafeUnwrap().size).toBe(0)
    })

    it("sees the previous round's e-mail link: a second user of the address in the next round is refused", async () => {
      const store = await create()
      await seedStudents(store, {
        id: '5843000000701',
        firstName: 'A',
        lastName: 'B',
        status: 'active',
        email: 'same@college.edu',
      })
      await append(
        store,
        pluginEvent('user_created', { ...userData(70), email: 'same@college.edu' }, 'u-70'),
        pluginEvent('user_created', { ...userData(71), email: 'same@college.edu' }, 'u-71'),
      )
      // One event per round: round 2 is prepared while round 1 is written, so it must wait for its link.
      const report = (
        await processMoodleInbox({ store, engine: createSyncEngine({ store }), tenant: T, batchSize: 1 })
      )._unsafeUnwrap()
      expect(report.handled).toBe(1)
      expect(report.failures.map((f) => [f.eventId, f.error])).toEqual([
        [
          'u-71',
          'Moodle user 71: e-mail same@college.edu matches student 5843000000701, which is already linked to Moodle user 70; the link is not changed',
        ],
      ])
      const links = (await store.readLinks(T, 'student', ['5843000000701']))._unsafeUnwrap()
      expect(links.get('5843000000701')?.map((l) => l.externalId)).toEqual(['70'])
    })

    it('a Moodle user whose e-mail no student has becomes a new student, as before', async () => {
      const store = await create()
      await seedStudents(store, {
        id: '5843000000501',
        firstName: 'A',
        lastName: 'B',
        status: 'active',
        email: 'a@college.edu',
      })
      await append(store, pluginEvent('user_created', userData(50), 'u-50'))
      expect(await drain(store)).toMatchObject({ handled: 1, failures: [] })
      const links = (await store.findByExternalIds(T, 'moodle', 'student', ['50']))._unsafeUnwrap()
      expect(links.get('50')).toBe('moodle-user-50')
    })

    it('maps teachers to teachers and reports other users as ignored', async () => {
      const store = await create()
      await append(
        store,
        pluginEvent('user_created', userData(8, 'teacher')),
        pluginEvent('user_created', userData(9, 'other')),
      )
      const report = await drain(store)
      expect(report.handled).toBe(2)
      expect(report.ignored).toHaveLength(1)
      expect(await record(store, 'teacher', 'moodle-user-8')).toMatchObject({ name: 'Lina Haddad8' })
    })

    it('maps course_created and course_updated to one class', async () => {
      const store = await create()
      await append(store, pluginEvent('course_created', courseData(12)))
      await drain(store)
      await append(store, pluginEvent('course_updated', courseData(12, 'Networking II')))
      const report = await drain(store)
      expect(report.counts.updated).toBe(1)
      expect(await record(store, 'class', 'moodle-course-12')).toMatchObject({
        name: 'Networking II',
        shortName: 'NET12',
        status: 'active',
        startDate: '2026-01-01',
        endDate: null,
      })
    })

    it('maps enrollment_created to an enrollment of the linked student and class', async () => {
      const store = await create()
      await append(
        store,
        pluginEvent('user_created', userData(3)),
        pluginEvent('course_created', courseData(12)),
        pluginEvent('enrollment_created', enrolmentData(44, 3, 12)),
      )
      const report = await drain(store)
      expect(report.handled).toBe(3)
      expect(await record(store, 'enrollment', 'moodle-enrolment-44')).toMatchObject({
        studentId: 'moodle-user-3',
        classId: 'moodle-course-12',
        startDate: '2026-01-01',
      })
    })

    it('applies enrollment_deleted: the linked enrollment becomes a tombstone, and the event is handled', async () => {
      const store = await create()
      await append(
        store,
        pluginEvent('user_created', userData(3)),
        pluginEvent('course_created', courseData(12)),
        pluginEvent('enrollment_created', { enrollment_id: 44, userid: 3, courseid: 12, status: 0 }),
      )
      await drain(store)
      const enrollment = (await store.findByExternalIds(T, 'moodle', 'enrollment', ['44']))
        ._unsafeUnwrap()
        .get('44')
      expect(enrollment).toBeDefined()
      await append(
        store,
        pluginEvent(
          'enrollment_deleted',
          { enrolment_id: 44, user_id: 3, course_id: 12, action: 'deleted', timestamp: 1 },
          'del-1',
        ),
        // Moodle retried the same deletion under another event id: deleting twice is harmless.
        pluginEvent('enrollment_deleted', { enrolment_id: 44, user_id: 3, course_id: 12 }, 'del-2'),
      )
      const report = await drain(store)
      expect(report.failures).toEqual([])
      expect(await pending(store)).toEqual([])
      expect(await record(store, 'enrollment', enrollment as string)).toBeUndefined()
      const tombstone = (await store.readTombstones(T, 'enrollment', [enrollment as string]))._unsafeUnwrap()
      expect(tombstone.get(enrollment as string)).toMatchObject({
        source: 'moodle',
        reason: 'Moodle enrollment_deleted',
      })
      expect(tombstone.get(enrollment as string)?.data).toMatchObject({ studentId: 'moodle-user-3' })
    })

    it('handles enrollment_deleted of an enrolment never seen (nothing to delete)', async () => {
      const store = await create()
      await append(
        store,
        pluginEvent('enrollment_deleted', { enrolment_id: 99, user_id: 3, course_id: 12 }, 'd'),
      )
      const report = await drain(store)
      expect(report.failures).toEqual([])
      expect(await pending(store)).toEqual([])
    })

    it('parks a grade of an unknown student and replays it when the student arrives', async () => {
      const store = await create()
      await append(
        store,
        pluginEvent('course_created', courseData(12)),
        pluginEvent('grade_updated', gradeData(3, 12, 77, 3), 'g-1'),
      )
      const first = await drain(store)
      expect(first.counts.deferred).toBe(1)
      expect(first.handled).toBe(2)
      expect(first.grades).toEqual([])
      expect((await store.listParked(T, { entity: 'grade' }))._unsafeUnwrap()).toHaveLength(1)

      await append(store, pluginEvent('user_created', userData(3)))
      const second = await drain(store)
      expect(second.grades).toEqual(['moodle-grade-3_12_77'])
      expect(await record(store, 'grade', 'moodle-grade-3_12_77')).toMatchObject({
        studentId: 'moodle-user-3',
        classId: 'moodle-course-12',
        grade: 'M',
        compositeKey: '3_12_77',
        attemptDate: '2026-01-15',
        learningOutcomes: [{ code: 'P1', title: 'Explain networking principles', score: 1 }],
      })
    })

    it('updates a re-graded assignment and keeps two assignments of one course apart', async () => {
      const store = await create()
      await append(
        store,
        pluginEvent('user_created', userData(3)),
        pluginEvent('course_created', courseData(12)),
        pluginEvent('grade_updated', gradeData(3, 12, 77, 1.5)),
        pluginEvent('grade_updated', gradeData(3, 12, 78, 4)),
      )
      const first = await drain(store)
      expect([...first.grades].sort()).toEqual(['moodle-grade-3_12_77', 'moodle-grade-3_12_78'])
      await append(store, pluginEvent('grade_updated', gradeData(3, 12, 77, 2.5, { attempt_number: 2 })))
      const regrade = await drain(store)
      expect(regrade.counts.updated).toBe(1)
      expect(regrade.grades).toEqual(['moodle-grade-3_12_77'])
      expect(await record(store, 'grade', 'moodle-grade-3_12_77')).toMatchObject({
        grade: 'P',
        attemptNumber: 2,
      })
      expect(await record(store, 'grade', 'moodle-grade-3_12_78')).toMatchObject({ grade: 'D' })
    })

    it('reads the daily task rows: F for no submission, RR for a double refer', async () => {
      const store = await create()
      await append(
        store,
        pluginEvent('user_created', userData(3)),
        pluginEvent('course_created', courseData(12)),
        pluginEvent(
          'grade_updated',
          gradeData(3, 12, 80, 0, { attempt_number: 0, status: 'Failed to Submit', auto_generated: true }),
        ),
        pluginEvent(
          'grade_updated',
          gradeData(3, 12, 81, 0, { attempt_number: 2, is_rr_update: true, workflow_state: 'doublerefer' }),
        ),
      )
      await drain(store)
      expect(await record(store, 'grade', 'moodle-grade-3_12_80')).toMatchObject({
        grade: 'F',
        attemptNumber: null,
        status: 'Failed to Submit',
      })
      expect(await record(store, 'grade', 'moodle-grade-3_12_81')).toMatchObject({
        grade: 'RR',
        attemptNumber: 2,
      })
    })

    it('leaves unreadable, grade_created and unknown events pending with their errors, and records the run', async () => {
      const store = await create()
      await append(
        store,
        pluginEvent('grade_updated', { ...gradeData(3, 12, 77, 3), student_id: undefined }, 'bad-1'),
        pluginEvent('grade_created', gradeData(3, 12, 77, 3), 'gc-1'),
        pluginEvent('quiz_attempted', {}, 'unk-1'),
        pluginEvent('user_created', userData(3), 'ok-1'),
      )
      const report = await drain(store)
      expect(report.handled).toBe(1)
      const byId = new Map(report.failures.map((f) => [f.eventId, f]))
      expect(byId.get('bad-1')?.issues).toEqual([
        expect.objectContaining({ path: 'event_data.student_id', rule: 'missing' }),
      ])
      expect(byId.get('gc-1')?.error).toContain('unsupported')
      expect(byId.get('unk-1')?.issues?.[0]).toMatchObject({
        rule: 'unsupported_event_type',
        received: 'quiz_attempted',
      })
      expect((await pending(store)).sort()).toEqual(['bad-1', 'gc-1', 'unk-1'])
      const runs = (await store.listRuns(T, { step: MOODLE_INBOX_STEP }))._unsafeUnwrap()
      expect(runs[0]?.metadata).toMatchObject({ failureCount: 3, handled: 1 })
      // Still there on the next drain, still reported.
      expect((await drain(store)).failures).toHaveLength(3)
    })

    it('leaves an event whose record fails the canonical schema pending with the issue', async () => {
      const store = await create()
      await append(store, pluginEvent('user_created', { ...userData(3), email: 'not-an-email' }, 'inv-1'))
      const report = await drain(store)
      expect(report.failures[0]).toMatchObject({
        eventId: 'inv-1',
        issues: [expect.objectContaining({ path: 'academicEmail' })],
      })
      expect(await pending(store)).toEqual(['inv-1'])
    })

    it('keeps a grade whose learning-outcome score is off the 0-4 scale pending with rule score_range', async () => {
      const store = await create()
      const outcomes = [{ code: 'P1', description: 'Explain', score: '75', feedback: '' }]
      await append(
        store,
        pluginEvent('grade_updated', gradeData(3, 12, 77, 3, { learning_outcomes: outcomes }), 'lo-1'),
      )
      const report = await drain(store)
      expect(report.failures).toEqual([
        expect.objectContaining({
          eventId: 'lo-1',
          issues: [
            expect.objectContaining({ path: 'learningOutcomes.0.score', rule: 'score_range', received: 75 }),
          ],
        }),
      ])
      expect(await pending(store)).toEqual(['lo-1'])
    })

    it('writes two rounds of grades at once, unless they share a grade: then the later event wins', async () => {
      const { store, seen } = overlapGate(await create(), 'applyBatch')
      await append(
        store,
        pluginEvent('user_created', userData(3)),
        pluginEvent('course_created', courseData(12)),
      )
      expect((await drain(store)).handled).toBe(2)
      const drainInTwos = async () =>
        (
          await processMoodleInbox({ store, engine: createSyncEngine({ store }), tenant: T, batchSize: 2 })
        )._unsafeUnwrap()

      // Rounds [77, 78] [79, 80]: nothing shared, written at once.
      await append(
        store,
        ...[77, 78, 79, 80].map((item) => pluginEvent('grade_updated', gradeData(3, 12, item, 1.5))),
      )
      expect(await drainInTwos()).toMatchObject({ read: 4, handled: 4, failures: [] })
      expect(seen.most).toBe(2)

      // Rounds [77 re-graded, 81] [77 re-graded again, 82]: one after the other.
      seen.most = 0
      await append(
        store,
        pluginEvent('grade_updated', gradeData(3, 12, 77, 2.5, { attempt_number: 2 })),
        pluginEvent('grade_updated', gradeData(3, 12, 81, 2)),
        pluginEvent('grade_updated', gradeData(3, 12, 77, 3.5, { attempt_number: 3 })),
        pluginEvent('grade_updated', gradeData(3, 12, 82, 2)),
      )
      expect(await drainInTwos()).toMatchObject({ read: 4, handled: 4, failures: [] })
      expect(seen.most).toBe(1)
      expect(await record(store, 'grade', 'moodle-grade-3_12_77')).toMatchObject({
        grade: 'M',
        attemptNumber: 3,
      })
      expect((await store.countRecords(T, 'grade'))._unsafeUnwrap()).toBe(6)
      expect(await pending(store)).toEqual([])
    })

    it('writes a round of users or courses alone, after the rounds before it', async () => {
      const { store, seen } = overlapGate(await create(), 'applyBatch', 20)
      // Round by round: a grade for a student and class not seen yet (parked), then the student, the
      // class, and an enrolment naming both.
      await append(
        store,
        pluginEvent('grade_updated', gradeData(3, 12, 77, 3), 'g-1'),
        pluginEvent('user_created', userData(3)),
        pluginEvent('course_created', courseData(12)),
        pluginEvent('enrollment_created', enrolmentData(55, 3, 12)),
      )
      const report = (
        await processMoodleInbox({ store, engine: createSyncEngine({ store }), tenant: T, batchSize: 1 })
      )._unsafeUnwrap()
      expect(report).toMatchObject({ read: 4, handled: 4, failures: [] })
      expect(seen.most).toBe(1)
      expect(report.grades).toEqual(['moodle-grade-3_12_77'])
      expect((await store.listParked(T, {}))._unsafeUnwrap()).toEqual([])
      expect(await record(store, 'enrollment', 'moodle-enrolment-55')).toMatchObject({
        studentId: 'moodle-user-3',
        classId: 'moodle-course-12',
      })
    })

    it('drains in rounds when the inbox holds more than one batch', async () => {
      const store = await create()
      await append(
        store,
        pluginEvent('user_created', userData(3)),
        pluginEvent('course_created', courseData(12)),
      )
      await append(
        store,
        ...Array.from({ length: 25 }, (_, i) => pluginEvent('grade_updated', gradeData(3, 12, 100 + i, 2))),
      )
      const report = await processMoodleInbox({
        store,
        engine: createSyncEngine({ store }),
        tenant: T,
        batchSize: 10,
      })
      expect(report._unsafeUnwrap()).toMatchObject({ read: 27, handled: 27 })
      expect((await store.countRecords(T, 'grade'))._unsafeUnwrap()).toBe(25)
    })
  })
}

describeProcessor(
  'the memory Store',
  async () => createMemoryStore(),
  async () => {},
)
for (const engine of ['pg', 'pglite-memory'] as const) {
  const factory = storeFactory(engine)
  afterAll(() => factory.dispose())
  describeProcessor(
    engine,
    () => factory.create(),
    () => factory.teardown(),
  )
}

describe('processMoodleInbox when the Store fails', () => {
  it('leaves the events pending when the records cannot be written, and processes them on retry', async () => {
    let fail = true
    const store = failingMethod(createMemoryStore(), 'applyBatch', () => fail)
    await append(store, pluginEvent('user_created', userData(3), 'u-3'))
    const failed = await processMoodleInbox({ store, engine: createSyncEngine({ store }), tenant: T })
    expect(failed._unsafeUnwrapErr().reason).toBe('Store')
    expect(await pending(store)).toEqual(['u-3'])
    fail = false
    expect(
      (await processMoodleInbox({ store, engine: createSyncEngine({ store }), tenant: T }))._unsafeUnwrap()
        .handled,
    ).toBe(1)
    expect(await pending(store)).toEqual([])
  })

  it('leaves the events pending when marking them handled fails (the retry finds the records UNCHANGED)', async () => {
    let fail = true
    const store = failingMethod(createMemoryStore(), 'markEventsHandled', () => fail, 'down')
    await append(store, pluginEvent('user_created', userData(3), 'u-3'))
    expect(
      (await processMoodleInbox({ store, engine: createSyncEngine({ store }), tenant: T })).isErr(),
    ).toBe(true)
    expect(await pending(store)).toEqual(['u-3'])
    fail = false
    const retry = (
      await processMoodleInbox({ store, engine: createSyncEngine({ store }), tenant: T })
    )._unsafeUnwrap()
    expect(retry.counts).toMatchObject({ unchanged: 1, new: 0 })
  })
})
