import type { Grade, Store } from '@edusync/core'
import { createMemoryStore, createSyncEngine } from '@edusync/core'
import { okAsync } from 'neverthrow'
import { beforeEach, describe, expect, it } from 'vitest'
import { createFakeMoodle } from '../__fixtures__/fake-moodle.ts'
import { testConfig, useMoodleServer } from '../__fixtures__/server.ts'
import { createMoodleClient } from '../client.ts'
import { syncBtecTemplate } from './btec-templates.ts'
import { pushGradesToCrm } from './grades-to-zoho.ts'
import { provisionCourse } from './provision-course.ts'
import { provisionStudents } from './provision-users.ts'
import { writeBackGrades } from './write-back-grades.ts'

const server = useMoodleServer()
const T = 'acme'

let store: Store
let fake: ReturnType<typeof createFakeMoodle>
beforeEach(async () => {
  store = createMemoryStore()
  fake = createFakeMoodle()
  server.use(fake.handler)
  const engine = createSyncEngine({ store })
  const synced = await engine.syncAll({
    tenant: T,
    batches: {
      program: [{ id: 'prog-it', name: 'BTEC IT', status: 'active' }],
      teacher: [{ id: 'tch-1', name: 'Omar Teacher' }],
      class: [
        {
          id: 'cls-1',
          name: 'Networking 2026',
          shortName: 'NET-2026',
          status: 'active',
          programId: 'prog-it',
          teacherId: 'tch-1',
          startDate: '2026-01-01',
        },
      ],
    },
  })
  expect(synced.isOk()).toBe(true)
  await store.upsertLinks(T, [{ entity: 'teacher', id: 'tch-1', system: 'moodle', externalId: '40' }])
})

const provision = (extra: Partial<Parameters<typeof provisionCourse>[0]> = {}) =>
  provisionCourse({
    moodle: createMoodleClient(testConfig),
    store,
    tenant: T,
    classId: 'cls-1',
    categories: { 'prog-it': 7 },
    defaultUsers: [{ userid: 8157 }, { userid: 8181, roleid: 4 }],
    ...extra,
  })

const creates = () => fake.calls.filter((c) => c.wsfunction === 'core_course_create_courses')

describe('provisionCourse', () => {
  it('creates the course with the class id as idnumber, links it, and enrols teacher and default users', async () => {
    const result = (await provision())._unsafeUnwrap()
    expect(result).toMatchObject({ courseId: 2, created: true, enrolled: 3, notLinked: [], enrolCalls: 1 })
    expect(creates()[0]?.params).toMatchObject({
      'courses[0][idnumber]': 'cls-1',
      'courses[0][categoryid]': '7',
      'courses[0][shortname]': 'NET-2026',
      'courses[0][visible]': '1',
    })
    expect(fake.enrolments).toEqual([
      { userid: 40, courseid: 2, roleid: 3 },
      { userid: 8157, courseid: 2, roleid: 3 },
      { userid: 8181, courseid: 2, roleid: 4 },
    ])
    const link = (await store.readLinks(T, 'class', ['cls-1']))._unsafeUnwrap().get('cls-1')
    expect(link).toEqual([{ entity: 'class', id: 'cls-1', system: 'moodle', externalId: '2' }])
  })

  it('uses the configured role ids, not hard-coded ones', async () => {
    const moodle = createMoodleClient({ ...testConfig, roles: { editingTeacher: 9, student: 11 } })
    await provision({ moodle, defaultUsers: [] })
    expect(fake.enrolments).toEqual([{ userid: 40, courseid: 2, roleid: 9 }])
  })

  it('finds the course a timed-out create made instead of creating a second one', async () => {
    fake.control.slowNextCreateMs = 300
    const moodle = createMoodleClient({ ...testConfig, timeoutMs: 100 })
    const result = (await provision({ moodle }))._unsafeUnwrap()
    expect(result).toMatchObject({ courseId: 2, created: false })
    expect(fake.courses.size).toBe(1)
    expect(creates()).toHaveLength(1)
  })

  it('is retry-safe: a second run finds the course by link and creates nothing', async () => {
    await provision()
    const again = (await provision())._unsafeUnwrap()
    expect(again).toMatchObject({ courseId: 2, created: false })
    expect(creates()).toHaveLength(1)
    expect(fake.courses.size).toBe(1)
  })

  it('finds a course made by an earlier run that died before linking, by idnumber', async () => {
    const moodle = createMoodleClient(testConfig)
    await moodle.courses.create([{ fullname: 'x', shortname: 'x', categoryid: 7, idnumber: 'cls-1' }])
    const result = (await provision({ moodle }))._unsafeUnwrap()
    expect(result).toMatchObject({ courseId: 2, created: false })
    expect(creates()).toHaveLength(1)
  })

  it('enrols a class activated later: 1,000 students in at most 10 calls, unlinked ones reported', async () => {
    const studentIds = Array.from({ length: 1001 }, (_, i) => `stu-${i}`)
    await store.upsertLinks(
      T,
      studentIds
        .slice(0, 1000)
        .map((id, i) => ({ entity: 'student', id, system: 'moodle', externalId: String(100 + i) })),
    )
    const result = (await provision({ studentIds, defaultUsers: [] }))._unsafeUnwrap()
    expect(result.notLinked).toEqual(['stu-1000'])
    expect(result.enrolCalls).toBeLessThanOrEqual(10)
    expect(fake.calls.filter((c) => c.wsfunction === 'enrol_manual_enrol_users').length).toBe(
      result.enrolCalls,
    )
    expect(fake.enrolments.filter((e) => e.roleid === 5)).toHaveLength(1000)
  })

  it("enrols a class activated later from its enrollments in the Store: every page, only this class's live ones", async () => {
    const ids = Array.from({ length: 1002 }, (_, i) => `stu-${String(i).padStart(4, '0')}`)
    const engine = createSyncEngine({ store })
    const synced = await engine.syncAll({
      tenant: T,
      batches: {
        student: ids.map((id) => ({ id, firstName: 'S', lastName: id, status: 'active' })),
        class: [{ id: 'cls-2', name: 'Other', status: 'active' }],
        enrollment: [
          // 1,001 enrollments of cls-1: more than one page of the Store's roster.
          ...ids.slice(0, 1001).map((id) => ({ id: `enr-${id}`, studentId: id, classId: 'cls-1' })),
          { id: 'enr-other', studentId: ids[1001], classId: 'cls-2' },
        ],
      },
    })
    expect(synced._unsafeUnwrap().counts.new).toBe(1002 + 1 + 1002)
    const withdrawn = await store.applyDeletes(T, [
      { entity: 'enrollment', id: 'enr-stu-0000', source: 'test', reason: 'withdrawn' },
    ])
    expect(withdrawn._unsafeUnwrap()).toEqual(['deleted'])
    await store.upsertLinks(
      T,
      ids.map((id, i) => ({ entity: 'student', id, system: 'moodle', externalId: String(100 + i) })),
    )
    await store.upsertLinks(T, [{ entity: 'student', id: 'stu-0999', system: 'moodle', externalId: 'x' }])

    const result = (await provision({ defaultUsers: [] }))._unsafeUnwrap()
    const students = fake.enrolments.filter((e) => e.roleid === 5).map((e) => e.userid)
    // stu-0000 withdrew (tombstoned), stu-1001 is in another class, stu-0999's link is not a Moodle id.
    expect(students).toHaveLength(999)
    expect(students).not.toContain(100)
    expect(students).not.toContain(1101)
    expect(students).toContain(1100)
    expect(result.notLinked).toEqual(['stu-0999'])
    expect(result.enrolCalls).toBeLessThanOrEqual(10)
  })

  it('refuses a class whose program has no configured category', async () => {
    const error = (await provision({ categories: {} }))._unsafeUnwrapErr()
    expect(error.reason).toBe('InvalidParameter')
    expect(error.message).toContain('prog-it')
    expect(creates()).toHaveLength(0)
  })
})

describe('pushGradesToCrm', () => {
  const grade = (id: string, studentId: string, classId: string, key: string) => ({
    id,
    studentId,
    classId,
    grade: 'M',
    compositeKey: key,
    learningOutcomes: [{ code: 'P1', title: 'Explain', definition: 'Explain', score: 1, feedback: null }],
  })

  it('sends linked grades with CRM ids and defers the ones whose student has no CRM record', async () => {
    const engine = createSyncEngine({ store })
    await engine.syncAll({
      tenant: T,
      batches: {
        student: [
          { id: '5843000000111', firstName: 'A', lastName: 'B', status: 'active' },
          { id: 'moodle-user-9', firstName: 'C', lastName: 'D', status: 'active' },
        ],
        grade: [
          grade('moodle-grade-3_2_77', '5843000000111', 'cls-1', '3_2_77'),
          grade('moodle-grade-3_2_78', '5843000000111', 'cls-1', '3_2_78'),
          grade('moodle-grade-9_2_77', 'moodle-user-9', 'cls-1', '9_2_77'),
        ],
      },
    })
    const sent: Grade[] = []
    const result = await pushGradesToCrm({
      store,
      tenant: T,
      gradeIds: ['moodle-grade-3_2_77', 'moodle-grade-3_2_78', 'moodle-grade-9_2_77', 'nope'],
      upsert: (grades) => {
        sent.push(...grades)
        return okAsync(grades.map((_, index) => ({ status: 'success' as const, index, id: `z-${index}` })))
      },
    })
    expect(result._unsafeUnwrap()).toEqual({
      grades: [
        { id: 'moodle-grade-3_2_77', status: 'SENT', crmId: 'z-0' },
        { id: 'moodle-grade-3_2_78', status: 'SENT', crmId: 'z-1' },
        { id: 'moodle-grade-9_2_77', status: 'DEFERRED', waitingFor: ['student'] },
      ],
      missing: ['nope'],
    })
    expect(sent.map((g) => g.compositeKey)).toEqual(['3_2_77', '3_2_78'])
    expect(sent[0]).toMatchObject({ studentId: '5843000000111', classId: 'cls-1' })

    // Once the Moodle-first student is linked to its CRM record, the deferred grade goes out.
    await store.upsertLinks(T, [
      { entity: 'student', id: 'moodle-user-9', system: 'zoho', externalId: '5843000000999' },
    ])
    sent.length = 0
    const later = await pushGradesToCrm({
      store,
      tenant: T,
      gradeIds: ['moodle-grade-9_2_77'],
      upsert: (grades) =>
        okAsync(
          grades.map((g, index) => {
            sent.push(g)
            return { status: 'success' as const, index, id: 'z-9' }
          }),
        ),
    })
    expect(later._unsafeUnwrap().grades).toEqual([
      { id: 'moodle-grade-9_2_77', status: 'SENT', crmId: 'z-9' },
    ])
    expect(sent[0]?.studentId).toBe('5843000000999')
  })

  it('reports a grade the CRM refused as FAILED with its code', async () => {
    const engine = createSyncEngine({ store })
    await engine.syncAll({
      tenant: T,
      batches: {
        student: [{ id: '5843000000111', firstName: 'A', lastName: 'B', status: 'active' }],
        grade: [grade('g1', '5843000000111', 'cls-1', '3_2_77')],
      },
    })
    const result = await pushGradesToCrm({
      store,
      tenant: T,
      gradeIds: ['g1'],
      upsert: () =>
        okAsync([{ status: 'error' as const, index: 0, code: 'INVALID_DATA', message: 'bad LO_Score' }]),
    })
    expect(result._unsafeUnwrap().grades).toEqual([
      { id: 'g1', status: 'FAILED', code: 'INVALID_DATA', message: 'bad LO_Score' },
    ])
  })
})

describe('syncBtecTemplate', () => {
  const unit = {
    id: 'unit-42',
    name: 'Unit 2: Networking',
    criteria: [
      { code: 'M1', description: 'Compare topologies' },
      { code: 'P1', description: 'Explain networking principles' },
      { code: 'D1', description: 'Evaluate a design' },
      { code: 'P2', description: 'Describe protocols' },
    ],
  }

  it('creates a marking guide per assignment, criteria in P, M, D order with a sortorder each', async () => {
    const moodle = createMoodleClient(testConfig)
    const result = (await syncBtecTemplate({ moodle, unit, cmids: [31, 32] }))._unsafeUnwrap()
    expect(result).toEqual([
      { cmid: 31, status: 'created', criteria: 4 },
      { cmid: 32, status: 'created', criteria: 4 },
    ])
    const saves = fake.calls.filter((c) => c.wsfunction === 'core_grading_save_definitions')
    expect(saves).toHaveLength(1)
    const p = 'areas[0][definitions][0][guide][guide_criteria]'
    expect(saves[0]?.params[`${p}[0][shortname]`]).toBe('P1')
    expect(saves[0]?.params[`${p}[1][shortname]`]).toBe('P2')
    expect(saves[0]?.params[`${p}[3][shortname]`]).toBe('D1')
    expect(saves[0]?.params[`${p}[3][sortorder]`]).toBe('4')
    expect(saves[0]?.params['areas[0][activemethod]']).toBe('guide')
  })

  it('updates criteria in place by id on a renamed unit, keeping criteria no longer listed', async () => {
    const moodle = createMoodleClient(testConfig)
    await syncBtecTemplate({ moodle, unit, cmids: [31] })
    const before = fake.definitions.get(31) as {
      guide: { guide_criteria: { id: number; shortname: string }[] }
    }
    const idOf = (code: string) => before.guide.guide_criteria.find((c) => c.shortname === code)?.id
    const renamed = {
      ...unit,
      name: 'Unit 2: Computer Networks',
      criteria: [
        { code: 'P1', description: 'Explain networking principles and models' },
        { code: 'P2', description: 'Describe protocols' },
        { code: 'M1', description: 'Compare topologies' },
      ],
    }
    const result = (await syncBtecTemplate({ moodle, unit: renamed, cmids: [31] }))._unsafeUnwrap()
    expect(result).toEqual([{ cmid: 31, status: 'updated', criteria: 4 }])
    const after = fake.definitions.get(31) as {
      name: string
      guide: { guide_criteria: { id: number; shortname: string; description: string }[] }
    }
    expect(after.name).toBe('Unit 2: Computer Networks [unit:unit-42]')
    const p1 = after.guide.guide_criteria.find((c) => c.shortname === 'P1')
    expect(p1).toMatchObject({ id: idOf('P1'), description: 'Explain networking principles and models' })
    expect(after.guide.guide_criteria.find((c) => c.shortname === 'D1')?.id).toBe(idOf('D1'))
  })

  it('leaves a guide that belongs to another unit alone, and refuses a unit without criteria', async () => {
    const moodle = createMoodleClient(testConfig)
    await syncBtecTemplate({ moodle, unit: { ...unit, id: 'unit-7' }, cmids: [31] })
    const result = (await syncBtecTemplate({ moodle, unit, cmids: [31] }))._unsafeUnwrap()
    expect(result[0]).toMatchObject({ cmid: 31, status: 'other-unit' })
    const empty = await syncBtecTemplate({ moodle, unit: { ...unit, criteria: [] }, cmids: [31] })
    expect(empty._unsafeUnwrapErr().reason).toBe('InvalidParameter')
  })
})

describe('provisionStudents', () => {
  const students = [
    {
      id: 'stu-a',
      firstName: 'Ali',
      lastName: 'Demir',
      academicEmail: 'Ali.Demir@College.edu',
      status: 'active',
    },
    {
      id: 'stu-b',
      firstName: 'Bea',
      lastName: 'Noor',
      academicEmail: 'bea.noor@college.edu',
      status: 'active',
    },
    { id: 'stu-c', firstName: 'Cem', lastName: 'Kaya', academicEmail: 'taken@college.edu', status: 'active' },
    { id: 'stu-d', firstName: 'Dan', lastName: 'Sel', status: 'active' },
  ]
  beforeEach(async () => {
    await createSyncEngine({ store }).syncBatch({ tenant: T, entity: 'student', records: students })
    fake.users.set(50, {
      id: 50,
      username: 'bea.noor@college.edu',
      firstname: 'Bea',
      lastname: 'Noor',
      email: 'bea.noor@college.edu',
    })
    fake.users.set(51, {
      id: 51,
      username: 'someone',
      firstname: 'S',
      lastname: 'O',
      email: 'taken@college.edu',
    })
  })

  it('links existing users, creates the rest with lower-cased usernames, and isolates a refused one', async () => {
    const moodle = createMoodleClient(testConfig)
    const result = (
      await provisionStudents({ moodle, store, tenant: T, studentIds: students.map((s) => s.id) })
    )._unsafeUnwrap()
    expect(result).toEqual([
      { studentId: 'stu-a', status: 'created', userid: expect.any(Number) },
      { studentId: 'stu-b', status: 'found', userid: 50 },
      { studentId: 'stu-c', status: 'failed', error: expect.stringContaining('invalidparameter') },
      { studentId: 'stu-d', status: 'failed', error: expect.stringContaining('e-mail') },
    ])
    const created = [...fake.users.values()].find((u) => u.username === 'ali.demir@college.edu')
    expect(created).toBeDefined()
    const links = (
      await store.findByExternalIds(T, 'moodle', 'student', [String(created?.id), '50'])
    )._unsafeUnwrap()
    expect([...links.values()].sort()).toEqual(['stu-a', 'stu-b'])
    // A second run only reads links: nothing is created again.
    const before = fake.calls.filter((c) => c.wsfunction === 'core_user_create_users').length
    const again = (
      await provisionStudents({ moodle, store, tenant: T, studentIds: ['stu-a', 'stu-b'] })
    )._unsafeUnwrap()
    expect(again.map((r) => r.status)).toEqual(['linked', 'linked'])
    expect(fake.calls.filter((c) => c.wsfunction === 'core_user_create_users').length).toBe(before)
  })
})

describe('writeBackGrades', () => {
  it('carries a deferred grade to the next write-back and sends it once its student has a CRM record', async () => {
    await createSyncEngine({ store }).syncAll({
      tenant: T,
      batches: {
        student: [{ id: 'moodle-user-9', firstName: 'C', lastName: 'D', status: 'active' }],
        grade: [
          { id: 'g9', studentId: 'moodle-user-9', classId: 'cls-1', grade: 'P', compositeKey: '9_2_77' },
        ],
      },
    })
    const sent: string[] = []
    const upsert = (grades: readonly Grade[]) => {
      sent.push(...grades.map((g) => `${g.compositeKey}:${g.studentId}`))
      return okAsync(grades.map((_, index) => ({ status: 'success' as const, index, id: `z-${index}` })))
    }
    const first = (await writeBackGrades({ store, tenant: T, gradeIds: ['g9'], upsert }))._unsafeUnwrap()
    expect(first.waiting).toEqual(['g9'])
    expect(sent).toEqual([])
    const run = (await store.getRun(T, first.runId))._unsafeUnwrap()
    expect(run?.counts).toMatchObject({ total: 1, deferred: 1 })

    await store.upsertLinks(T, [
      { entity: 'student', id: 'moodle-user-9', system: 'zoho', externalId: '5843000000999' },
    ])
    const second = (await writeBackGrades({ store, tenant: T, gradeIds: [], upsert }))._unsafeUnwrap()
    expect(second.waiting).toEqual([])
    expect(sent).toEqual(['9_2_77:5843000000999'])
    const third = (await writeBackGrades({ store, tenant: T, gradeIds: [], upsert }))._unsafeUnwrap()
    expect(third.grades).toEqual([])
    expect(sent).toHaveLength(1)
  })
})
