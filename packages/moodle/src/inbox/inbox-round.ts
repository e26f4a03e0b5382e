import type { InboundEvent, Link, OutcomeCounts, RecordOutcome } from '@edusync/core'
import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import { MOODLE_SYSTEM, moodleDerivedId } from '../map/ids.ts'
import { toClass, toEnrollment, toGrade, toStudent, toTeacher } from '../map/to-canonical.ts'
import type { PluginEvent } from '../readers/plugin-events.ts'
import { readPluginEvent } from '../readers/plugin-events.ts'
import type { UnlinkedUser } from './email-match.ts'
import { matchUsersByEmail } from './email-match.ts'
import type { EnrollmentDeletion } from './enrollment-deletion.ts'
import { applyEnrollmentDeletions } from './enrollment-deletion.ts'
import type { InboxError, InboxFailure, InboxIgnored, ProcessInboxOptions } from './process-inbox.ts'

// One round of the inbox processor: a page of events read and mapped (prepare), then written (write).
// Split so the drain can prepare the next round while the current one is written.

/** @internal What one round did. */
export interface Round {
  handled: string[]
  counts: { -readonly [K in keyof OutcomeCounts]: number }
  failures: InboxFailure[]
  ignored: InboxIgnored[]
  grades: string[]
}

/** @internal Counts at zero, mutable. */
export const zero = (): { -readonly [K in keyof OutcomeCounts]: number } => ({
  total: 0,
  new: 0,
  unchanged: 0,
  updated: 0,
  invalid: 0,
  deferred: 0,
  error: 0,
  deleted: 0,
  restored: 0,
})

type Batch = Map<string, Record<string, unknown>>

/** @internal A round read and mapped, ready to write. */
export interface Prepared {
  readonly round: Round
  readonly batches: Map<string, Batch>
  readonly target: Map<string, { entity: string; id: string; type: string }>
  readonly newLinks: Map<string, Link>
  readonly deletions: EnrollmentDeletion[]
}

/** @internal A page of events read strictly: what a round is prepared from. */
export interface ReadPage {
  /** Events on the page. */
  readonly size: number
  /** The page's last event (where the next page starts), `undefined` for an empty page. */
  readonly lastEventId: string | undefined
  readonly typed: PluginEvent[]
  /** Events that could not be read, with every field, rule and value. */
  readonly failures: InboxFailure[]
}

/**
 * @internal Reads a page of events, synchronously: the page's payloads (the bulk of what a drain holds)
 * are garbage as soon as this returns, instead of living on through the round's Store round trips, where
 * the young-generation collections kept copying them and then promoted them.
 */
export function readRound(events: readonly InboundEvent[]): ReadPage {
  const page: ReadPage = { size: events.length, lastEventId: events.at(-1)?.eventId, typed: [], failures: [] }
  for (const event of events) {
    const read = readPluginEvent(event.payload)
    if (read.isOk()) page.typed.push(read.value)
    else
      page.failures.push({
        eventId: event.eventId,
        type: event.type,
        error: read.error.message,
        issues: read.error.issues,
      })
  }
  return page
}

/**
 * @internal Maps a page's events to records, resolving Moodle ids through links: Store reads only, so it
 * can run while earlier rounds are being written. `previous`: the writes it must see (links made, records
 * merged into), awaited before anything is read.
 */
export async function prepareRound(
  options: ProcessInboxOptions,
  page: ReadPage,
  previous?: Promise<unknown>,
): Promise<Result<Prepared, InboxError>> {
  const { store, tenant } = options
  const round: Round = { handled: [], counts: zero(), failures: [...page.failures], ignored: [], grades: [] }
  const { typed } = page
  await previous

  // ---- resolve Moodle ids through links: one call per entity kind, whatever the number of events ----
  const ids = {
    student: new Set<string>(),
    teacher: new Set<string>(),
    class: new Set<string>(),
    enrollment: new Set<string>(),
  }
  for (const e of typed) {
    switch (e.type) {
      case 'user_created':
      case 'user_updated':
        if (e.data.role === 'teacher') ids.teacher.add(e.data.userid)
        else ids.student.add(e.data.userid)
        break
      case 'course_created':
      case 'course_updated':
        ids.class.add(e.data.courseid)
        break
      case 'enrollment_created':
        ids.student.add(e.data.userid)
        ids.class.add(e.data.courseid)
        ids.enrollment.add(e.data.enrollment_id)
        break
      case 'enrollment_deleted':
        break
      case 'grade_updated':
        ids.student.add(e.data.student_id)
        ids.class.add(e.data.course_id)
        break
    }
  }
  // Concurrently: they are independent, and the round waits for the slowest rather than for their sum.
  const asked = Object.entries(ids).filter(([, set]) => set.size > 0)
  const answers = await Promise.all(
    asked.map(([entity, set]) => store.findByExternalIds(tenant, MOODLE_SYSTEM, entity, [...set])),
  )
  const linked = new Map<string, ReadonlyMap<string, string>>()
  for (const [i, [entity]] of asked.entries()) {
    const found = answers[i]
    if (found === undefined) continue
    if (found.isErr()) return err(found.error)
    linked.set(entity, found.value)
  }
  // ---- Moodle users (students) without a link: an existing student with their e-mail is them --------
  const unlinked = new Map<string, UnlinkedUser>()
  for (const e of typed) {
    if ((e.type !== 'user_created' && e.type !== 'user_updated') || e.data.role !== 'student') continue
    if (!linked.get('student')?.has(e.data.userid))
      unlinked.set(e.data.userid, { userid: e.data.userid, email: e.data.email })
  }
  const newLinks = new Map<string, Link>()
  const byEmail = await matchUsersByEmail(store, tenant, [...unlinked.values()])
  if (byEmail.isErr()) return err(byEmail.error)
  const { matched, refused } = byEmail.value
  if (matched.size > 0) {
    // Every event of the round resolves the user to the matched student; the link is written with the
    // user's record (writeRound writes links of records it stored).
    const students = new Map(linked.get('student') ?? [])
    for (const [userid, studentId] of matched) {
      students.set(userid, studentId)
      newLinks.set(`student\u0000${studentId}`, {
        entity: 'student',
        id: studentId,
        system: MOODLE_SYSTEM,
        externalId: userid,
      })
    }
    linked.set('student', students)
  }
  const resolve = (
    entity: 'student' | 'teacher' | 'class' | 'enrollment',
    externalId: string,
    derived: string,
  ) => {
    const known = linked.get(entity)?.get(externalId)
    if (known !== undefined) return { id: known, linked: true }
    newLinks.set(`${entity}\u0000${derived}`, { entity, id: derived, system: MOODLE_SYSTEM, externalId })
    return { id: derived, linked: false }
  }

  // ---- existing records of linked users/courses/enrolments, merged rather than overwritten -------------
  const toRead = new Map<string, Set<string>>()
  const want = (entity: string, id: string) => toRead.set(entity, (toRead.get(entity) ?? new Set()).add(id))
  for (const e of typed) {
    if (e.type === 'user_created' || e.type === 'user_updated') {
      if (e.data.role === 'other' || refused.has(e.data.userid)) continue
      const entity = e.data.role === 'teacher' ? 'teacher' : 'student'
      const known = linked.get(entity)?.get(e.data.userid)
      if (known) want(entity, known)
    } else if (e.type === 'course_created' || e.type === 'course_updated') {
      const known = linked.get('class')?.get(e.data.courseid)
      if (known) want('class', known)
    } else if (e.type === 'enrollment_created') {
      const known = linked.get('enrollment')?.get(e.data.enrollment_id)
      if (known) want('enrollment', known)
    }
  }
  const existing = new Map<string, ReadonlyMap<string, { data: Readonly<Record<string, unknown>> }>>()
  for (const [entity, set] of toRead) {
    const read = await store.readRecords(tenant, entity, [...set])
    if (read.isErr()) return err(read.error)
    existing.set(entity, read.value)
  }
  const current = (entity: string, id: string) => existing.get(entity)?.get(id)?.data

  // ---- events -> canonical records (the last event of a record wins, as in the inbox order) ---------
  const batches = new Map<string, Batch>()
  const put = (entity: string, record: Record<string, unknown>) => {
    const batch = batches.get(entity) ?? new Map()
    batch.set(record.id as string, record)
    batches.set(entity, batch)
  }
  const target = new Map<string, { entity: string; id: string; type: string }>()
  const deletions: EnrollmentDeletion[] = []
  for (const e of typed) {
    switch (e.type) {
      case 'user_created':
      case 'user_updated': {
        if (e.data.role === 'other') {
          round.ignored.push({
            eventId: e.eventId,
            type: e.type,
            reason: `user ${e.data.userid} is neither a student nor a teacher`,
          })
          round.handled.push(e.eventId)
          break
        }
        const entity = e.data.role === 'teacher' ? 'teacher' : 'student'
        const refusal = entity === 'student' ? refused.get(e.data.userid) : undefined
        if (refusal !== undefined) {
          round.failures.push({ eventId: e.eventId, type: e.type, error: refusal })
          break
        }
        const { id } = resolve(entity, e.data.userid, moodleDerivedId.user(e.data.userid))
        const record =
          entity === 'teacher'
            ? toTeacher(id, e.data, current(entity, id))
            : toStudent(id, e.data, current(entity, id))
        put(entity, record)
        target.set(e.eventId, { entity, id, type: e.type })
        break
      }
      case 'course_created':
      case 'course_updated': {
        const { id } = resolve('class', e.data.courseid, moodleDerivedId.course(e.data.courseid))
        put('class', toClass(id, e.data, current('class', id)))
        target.set(e.eventId, { entity: 'class', id, type: e.type })
        break
      }
      case 'enrollment_created': {
        const studentId = resolve('student', e.data.userid, moodleDerivedId.user(e.data.userid)).id
        const classId = resolve('class', e.data.courseid, moodleDerivedId.course(e.data.courseid)).id
        const { id } = resolve(
          'enrollment',
          e.data.enrollment_id,
          moodleDerivedId.enrolment(e.data.enrollment_id),
        )
        put('enrollment', toEnrollment(id, e.data, { studentId, classId }, current('enrollment', id)))
        target.set(e.eventId, { entity: 'enrollment', id, type: e.type })
        break
      }
      case 'grade_updated': {
        // Only look links up; a grade never creates the student's or class's link (their own events do),
        // so an unknown student's grade waits, DEFERRED, for the record it names.
        const studentId =
          linked.get('student')?.get(e.data.student_id) ?? moodleDerivedId.user(e.data.student_id)
        const classId = linked.get('class')?.get(e.data.course_id) ?? moodleDerivedId.course(e.data.course_id)
        const record = toGrade(e.data, { studentId, classId })
        put('grade', record)
        target.set(e.eventId, { entity: 'grade', id: record.id, type: e.type })
        break
      }
      case 'enrollment_deleted':
        deletions.push({
          eventId: e.eventId,
          moodleEnrolmentId: e.data.enrolment_id,
          moodleUserId: e.data.user_id,
          moodleCourseId: e.data.course_id,
        })
        break
    }
  }

  return ok({ round, batches, target, newLinks, deletions })
}

/**
 * @internal Writes a prepared round: one engine pass, then the links of records first seen in it.
 * Marking the events handled is the caller's, after this resolves.
 */
export async function writeRound(
  options: ProcessInboxOptions,
  prepared: Prepared,
): Promise<Result<Round, InboxError>> {
  const { store, engine, tenant } = options
  const { round, batches, target, newLinks, deletions } = prepared
  // ---- one engine pass, parents first --------------------------------------------------------------
  // Outcomes by entity, then id (nested maps: no key string built per record).
  const outcomes = new Map<string, Map<string, RecordOutcome>>()
  const outcomeOf = (entity: string, id: string) => outcomes.get(entity)?.get(id)
  if (batches.size > 0) {
    const synced = await engine.syncAll({
      tenant,
      batches: Object.fromEntries([...batches].map(([entity, batch]) => [entity, [...batch.values()]])),
    })
    if (synced.isErr()) return err(synced.error)
    const changedGrade = (o: RecordOutcome) =>
      o.entity === 'grade' && o.id !== undefined && (o.status === 'NEW' || o.status === 'UPDATED')
    for (const [entity, result] of synced.value.results) {
      const byId = new Map<string, RecordOutcome>()
      outcomes.set(entity, byId)
      for (const o of result.outcomes) {
        if (o.id === undefined) continue
        byId.set(o.id, o)
        if (changedGrade(o)) round.grades.push(o.id)
      }
      for (const o of result.replayed) if (changedGrade(o) && o.id !== undefined) round.grades.push(o.id)
    }
    const total = synced.value.counts
    for (const key of Object.keys(round.counts) as (keyof OutcomeCounts)[]) round.counts[key] += total[key]
  }

  // ---- links of records first seen here, for the records that were stored ----------------------------
  const stored = (entity: string, id: string) => {
    const o = outcomeOf(entity, id)
    return o !== undefined && o.status !== 'INVALID' && o.status !== 'ERROR'
  }
  const links = [...newLinks.values()].filter((l) => stored(l.entity, l.id))
  if (links.length > 0) {
    const written = await store.upsertLinks(tenant, links)
    if (written.isErr()) return err(written.error)
  }

  for (const [eventId, t] of target) {
    const o = outcomeOf(t.entity, t.id)
    if (o === undefined) {
      round.failures.push({ eventId, type: t.type, error: `no outcome for ${t.entity} ${t.id}` })
    } else if (o.status === 'INVALID') {
      round.failures.push({ eventId, type: t.type, error: o.message, issues: o.issues })
    } else if (o.status === 'ERROR') {
      round.failures.push({ eventId, type: t.type, error: o.reason })
    } else round.handled.push(eventId)
  }

  if (deletions.length > 0) {
    const applied = await applyEnrollmentDeletions(engine, store, tenant, deletions)
    if (applied.isErr()) return err(applied.error)
    for (const d of deletions) {
      const r = applied.value.get(d.eventId)
      if (r?.status === 'applied') round.handled.push(d.eventId)
      else
        round.failures.push({
          eventId: d.eventId,
          type: 'enrollment_deleted',
          error: r?.error ?? 'not applied',
        })
    }
  }

  return ok(round)
}
