import type { SchoolClass, Store, StoreError, TenantId } from '@edusync/core'
import { CLASS_ENROLLMENTS_PAGE } from '@edusync/core'
import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import type { MoodleClient } from '../client.ts'
import { MoodleError } from '../errors.ts'
import { dateToUnix, MOODLE_SYSTEM } from '../map/ids.ts'
import type { Enrolment } from '../resources/enrol.ts'

/** A user every new course of a tenant gets (e.g. student affairs, IT support), from tenant configuration. */
export interface DefaultCourseUser {
  /** The Moodle user id. */
  readonly userid: number
  /** The role id. @default the client's editing-teacher role */
  readonly roleid?: number
}

/** Options of {@link provisionCourse}. */
export interface ProvisionCourseOptions {
  readonly moodle: MoodleClient
  readonly store: Store
  readonly tenant: TenantId
  /** The canonical class to provision (it must be in the Store). */
  readonly classId: string
  /** Moodle category id per canonical program id (the tenant's configuration). */
  readonly categories: Readonly<Record<string, number>>
  /** The category of a class without a configured program. */
  readonly defaultCategoryId?: number
  /** Users enrolled in every new course (never hard-coded: from tenant configuration). */
  readonly defaultUsers?: readonly DefaultCourseUser[]
  /**
   * Further canonical student ids to enrol as students, beyond the class's enrollments in the Store
   * (which are always read and enrolled, see {@link provisionCourse}); e.g. enrollments not synced yet.
   */
  readonly studentIds?: readonly string[]
}

/** What {@link provisionCourse} did. */
export interface ProvisionResult {
  readonly classId: string
  /** The Moodle course id (also stored as the class's `moodle` link). */
  readonly courseId: number
  /** Whether this call created the course (false: found by link or by `idnumber`). */
  readonly created: boolean
  /** Moodle users enrolled (teacher, default users, students). */
  readonly enrolled: number
  /** Canonical ids of the teacher and students who have no Moodle user linked yet (not enrolled). */
  readonly notLinked: readonly string[]
  /** `enrol_manual_enrol_users` calls made. */
  readonly enrolCalls: number
}

/** Why provisioning failed. */
export type ProvisionError = MoodleError | StoreError

/**
 * Provisions a class's Moodle course, retry-safe: the course is found first by the class's link, then by
 * `idnumber` (= the canonical class id), and created only when neither finds it. A create whose answer
 * was lost (timeout, network) is never repeated blindly: the course is looked up by `idnumber` again and
 * used when the create had committed. The course id is stored as the class's `moodle` link; the teacher
 * (editing teacher), the tenant's default users and the class's students (student role) are enrolled in
 * chunks, one call per chunk. The students are the class's live enrollments in the Store
 * (`listClassEnrollments`, read page by page), so a class activated after its students enrolled gets
 * them all, plus any `studentIds` given. Writing the id back to the CRM is the host's part (it composes
 * the Zoho client).
 */
export function provisionCourse(
  options: ProvisionCourseOptions,
): ResultAsync<ProvisionResult, ProvisionError> {
  const { moodle, store, tenant, classId } = options
  const run = async (): Promise<Result<ProvisionResult, ProvisionError>> => {
    const read = await store.readRecords(tenant, 'class', [classId])
    if (read.isErr()) return err(read.error)
    const record = read.value.get(classId)
    if (!record)
      return err(new MoodleError('NotFound', `class ${classId} is not in the Store: sync it first`))
    const cls = record.data as unknown as SchoolClass

    const links = await store.readLinks(tenant, 'class', [classId])
    if (links.isErr()) return err(links.error)
    const linkedId = links.value.get(classId)?.find((l) => l.system === MOODLE_SYSTEM)?.externalId
    const course = await findOrCreate(options, cls, linkedId)
    if (course.isErr()) return err(course.error)
    const { courseId, created } = course.value
    if (String(courseId) !== linkedId) {
      const linked = await store.upsertLinks(tenant, [
        { entity: 'class', id: classId, system: MOODLE_SYSTEM, externalId: String(courseId) },
      ])
      if (linked.isErr()) return err(linked.error)
    }

    const enrolments: Enrolment[] = []
    const notLinked: string[] = []
    const teacherId = cls.teacherId ?? null
    const userIds = async (entity: string, ids: readonly string[]) => {
      if (ids.length === 0) return ok(new Map<string, number>())
      const found = await store.readLinks(tenant, entity, ids)
      return found.map((byId) => {
        const out = new Map<string, number>()
        for (const id of ids) {
          const ext = byId.get(id)?.find((l) => l.system === MOODLE_SYSTEM)?.externalId
          if (ext !== undefined && /^\d+$/.test(ext)) out.set(id, Number(ext))
          else notLinked.push(id)
        }
        return out
      })
    }
    const teacher = await userIds('teacher', teacherId ? [teacherId] : [])
    if (teacher.isErr()) return err(teacher.error)
    for (const userid of teacher.value.values()) {
      enrolments.push({ userid, courseid: courseId, roleid: moodle.roles.editingTeacher })
    }
    for (const u of options.defaultUsers ?? []) {
      enrolments.push({
        userid: u.userid,
        courseid: courseId,
        roleid: u.roleid ?? moodle.roles.editingTeacher,
      })
    }
    const roster = await enrolledStudents(store, tenant, classId)
    if (roster.isErr()) return err(roster.error)
    const students = await userIds('student', [...new Set([...roster.value, ...(options.studentIds ?? [])])])
    if (students.isErr()) return err(students.error)
    for (const userid of students.value.values()) {
      enrolments.push({ userid, courseid: courseId, roleid: moodle.roles.student })
    }
    const enrolled = enrolments.length > 0 ? await moodle.enrol.enrol(enrolments) : ok({ calls: 0 })
    if (enrolled.isErr()) return err(enrolled.error)
    return ok({
      classId,
      courseId,
      created,
      enrolled: enrolments.length,
      notLinked,
      enrolCalls: enrolled.value.calls,
    })
  }
  return new ResultAsync(run())
}

/** The students of a class's live enrollments in the Store, all pages, in enrollment id order. */
async function enrolledStudents(
  store: Store,
  tenant: TenantId,
  classId: string,
): Promise<Result<string[], StoreError>> {
  const students: string[] = []
  let afterId: string | undefined
  for (;;) {
    const page = await store.listClassEnrollments(tenant, classId, afterId === undefined ? {} : { afterId })
    if (page.isErr()) return err(page.error)
    for (const e of page.value) {
      if (typeof e.data.studentId === 'string') students.push(e.data.studentId)
    }
    const last = page.value.at(-1)
    if (last === undefined || page.value.length < CLASS_ENROLLMENTS_PAGE) return ok(students)
    afterId = last.id
  }
}

async function findOrCreate(
  options: ProvisionCourseOptions,
  cls: SchoolClass,
  linkedId: string | undefined,
): Promise<Result<{ courseId: number; created: boolean }, MoodleError>> {
  const { moodle, classId } = options
  if (linkedId !== undefined && /^\d+$/.test(linkedId)) {
    const byId = await moodle.courses.getByField('id', linkedId)
    if (byId.isErr()) return err(byId.error)
    if (byId.value[0]) return ok({ courseId: byId.value[0].id, created: false })
    // The linked course was deleted in Moodle: fall through and find or make another.
  }
  const byIdNumber = () =>
    moodle.courses.getByField('idnumber', classId).map((found) => found.find((c) => c.idnumber === classId))
  const existing = await byIdNumber()
  if (existing.isErr()) return err(existing.error)
  if (existing.value) return ok({ courseId: existing.value.id, created: false })

  const categoryid =
    (cls.programId ? options.categories[cls.programId] : undefined) ?? options.defaultCategoryId
  if (categoryid === undefined) {
    return err(
      new MoodleError(
        'InvalidParameter',
        `class ${classId}: no Moodle category configured for program ${cls.programId ?? '(none)'} and no default category`,
      ),
    )
  }
  const made = await moodle.courses.create([
    {
      fullname: cls.name,
      shortname: cls.shortName ?? cls.code ?? classId,
      categoryid,
      idnumber: classId,
      startdate: dateToUnix(cls.startDate ?? null),
      enddate: dateToUnix(cls.endDate ?? null),
      visible: cls.status !== 'pending',
    },
  ])
  if (made.isOk()) {
    const first = made.value[0]
    if (first) return ok({ courseId: first.id, created: true })
    return err(new MoodleError('Decode', 'core_course_create_courses returned no course'))
  }
  // The create may have committed before its answer was lost, or a concurrent provisioning won the race:
  // the idnumber says which course is ours.
  if (
    made.error.reason === 'Timeout' ||
    made.error.reason === 'Transport' ||
    made.error.reason === 'Unavailable' ||
    made.error.errorCode === 'courseidnumbertaken'
  ) {
    const again = await byIdNumber()
    if (again.isOk() && again.value) return ok({ courseId: again.value.id, created: false })
  }
  return err(made.error)
}
