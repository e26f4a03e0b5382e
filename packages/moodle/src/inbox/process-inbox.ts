import type {
  InboundEvent,
  Link,
  OutcomeCounts,
  ParseIssue,
  RecordOutcome,
  Store,
  StoreError,
  SyncEngine,
  SyncError,
  TenantId,
} from '@edusync/core'
import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import { MOODLE_SYSTEM, moodleDerivedId } from '../map/ids.ts'
import { toClass, toEnrollment, toGrade, toStudent, toTeacher } from '../map/to-canonical.ts'
import type { PluginEvent } from '../readers/plugin-events.ts'
import { readPluginEvent } from '../readers/plugin-events.ts'
import type { EnrollmentDeletion } from './enrollment-deletion.ts'
import { applyEnrollmentDeletions } from './enrollment-deletion.ts'

/** The inbox source the Moodle plugin's events are stored under. */
export const MOODLE_EVENT_SOURCE = 'moodle'

/** The sync-run step a drain is recorded under (its failures are in the run's metadata). */
export const MOODLE_INBOX_STEP = 'moodle:inbox'

/** Options of {@link processMoodleInbox}. */
export interface ProcessInboxOptions {
  readonly store: Store
  /** The engine the records go through (DEFERRED, replay and fingerprints all apply). */
  readonly engine: SyncEngine
  readonly tenant: TenantId
  /** Events read and written per round. @default 1000 */
  readonly batchSize?: number
  /** The inbox source. @default 'moodle' */
  readonly source?: string
  /** Whether to record the drain as a sync run (step `moodle:inbox`). @default true */
  readonly recordRun?: boolean
}

/** An event left pending, with why: fix the cause (or the event) and the next drain retries it. */
export interface InboxFailure {
  readonly eventId: string
  readonly type: string
  readonly error: string
  /** For an unreadable event: every field, rule and received value. */
  readonly issues?: readonly ParseIssue[]
}

/** An event marked handled without a record (a user who is neither student nor teacher). */
export interface InboxIgnored {
  readonly eventId: string
  readonly type: string
  readonly reason: string
}

/** What one drain did. */
export interface InboxReport {
  /** Events read (an event retried in several rounds counts once). */
  readonly read: number
  /** Events marked handled. */
  readonly handled: number
  /** Outcome counts of the records written, replays included. */
  readonly counts: OutcomeCounts
  /** Events left pending, with their errors. */
  readonly failures: readonly InboxFailure[]
  readonly ignored: readonly InboxIgnored[]
  /** Canonical grade ids stored or changed by this drain (replays included): what to write back. */
  readonly grades: readonly string[]
  /** The recorded run, when `recordRun`. */
  readonly runId?: string
}

/** Why a drain stopped: the Store or the engine failed; events of the failed round stay pending. */
export type InboxError = StoreError | SyncError

interface Round {
  handled: string[]
  counts: { -readonly [K in keyof OutcomeCounts]: number }
  failures: InboxFailure[]
  ignored: InboxIgnored[]
  grades: string[]
}

const zero = (): { -readonly [K in keyof OutcomeCounts]: number } => ({
  total: 0,
  new: 0,
  unchanged: 0,
  updated: 0,
  invalid: 0,
  deferred: 0,
  error: 0,
})

/**
 * Drains a tenant's Moodle inbox, oldest first, in rounds of `batchSize` events: reads each event strictly,
 * maps it to canonical records (users -> students or teachers, courses -> classes, enrolments ->
 * enrollments, graded submissions -> grades), resolves Moodle ids through Store links, syncs everything
 * through the engine in dependency order, records new Moodle links, and only then marks the events
 * handled. Per round the Store sees a fixed number of calls whatever the number of events.
 *
 * - An event that cannot be read, or whose record is INVALID or ERROR, stays pending with its error.
 * - A grade or enrollment whose student or class is unknown is DEFERRED: parked by the engine, its event
 *   handled, and replayed when the student or class arrives.
 * - A Store failure ends the drain with an error and leaves the round's events pending.
 * - `grade_created` and unknown event types stay pending as failures: reported, never dropped.
 *
 * @example
 * ```ts
 * const report = await processMoodleInbox({ store, engine, tenant: 'acme' })
 * if (report.isOk()) console.log(report.value.handled, report.value.failures)
 * ```
 */
export function processMoodleInbox(options: ProcessInboxOptions): ResultAsync<InboxReport, InboxError> {
  const { store, tenant } = options
  const size = options.batchSize ?? 1000
  const source = options.source ?? MOODLE_EVENT_SOURCE
  const run = async (): Promise<Result<InboxReport, InboxError>> => {
    const counts = zero()
    const failures = new Map<string, InboxFailure>()
    const ignored: InboxIgnored[] = []
    const grades = new Set<string>()
    const seen = new Set<string>()
    let handled = 0
    // Every event this drain has taken. A listing can still return one (failed ones stay pending; a mark
    // runs beside the next round and may commit after a listing's snapshot), so taken events are skipped.
    const skip = new Set<string>()
    let marked = 0
    let marking: Promise<Result<number, StoreError>>[] = []
    let writing: Promise<Result<Round, InboxError>> | undefined

    // Two rounds in flight: while one round's records are written (and the one before it is marked
    // handled), the next is listed, read and resolved. Writes stay in inbox order: a round is written
    // only after the previous round's write finished.
    const settle = async (): Promise<InboxError | undefined> => {
      if (!writing) return undefined
      const written = await writing
      writing = undefined
      if (written.isErr()) return written.error
      const r = written.value
      for (const key of Object.keys(counts) as (keyof OutcomeCounts)[]) counts[key] += r.counts[key]
      for (const f of r.failures) failures.set(f.eventId, f)
      ignored.push(...r.ignored)
      for (const g of r.grades) grades.add(g)
      if (r.handled.length > 0) {
        const ids = r.handled
        handled += ids.length
        // Not awaited here: the next round is written meanwhile. Its ids stay skipped until marked.
        marking.push(
          Promise.resolve(
            store.markEventsHandled(tenant, source, ids).map((n) => {
              marked += ids.length
              return n
            }),
          ),
        )
      }
      return undefined
    }

    const stop = async (error: InboxError) => {
      await Promise.all(marking)
      return err(error)
    }
    // Ends when a listing holds nothing this drain has not seen: every event is tried once per drain.
    for (;;) {
      // Room for the taken events still pending (failed, or not marked yet) plus one round of new ones.
      const limit = size + skip.size - marked
      const listed = await store.listEvents(tenant, { source, handled: false, limit })
      if (listed.isErr()) {
        await settle()
        return stop(listed.error)
      }
      const events = listed.value.filter((e) => !skip.has(e.eventId)).slice(0, size)
      if (events.length === 0 && listed.value.length >= limit) {
        // A full listing of taken events (marks not committed yet): let them land, then list again.
        const failed = await settle()
        if (failed) return stop(failed)
        const markFailed = (await Promise.all(marking)).find((m) => m.isErr())
        if (markFailed?.isErr()) return err(markFailed.error)
        continue
      }
      for (const e of events) {
        seen.add(e.eventId)
        skip.add(e.eventId)
      }
      const prepared = events.length > 0 ? await prepareRound(options, events) : undefined
      const failed = await settle()
      if (failed) return stop(failed)
      if (prepared === undefined) break
      if (prepared.isErr()) return stop(prepared.error)
      writing = writeRound(options, prepared.value)
    }
    const markFailed = (await Promise.all(marking)).find((m) => m.isErr())
    marking = []
    if (markFailed?.isErr()) return err(markFailed.error)
    const report: InboxReport = {
      read: seen.size,
      handled,
      counts,
      failures: [...failures.values()],
      ignored,
      grades: [...grades],
    }
    if (options.recordRun === false || seen.size === 0) return ok(report)
    const recorded = await recordRun(store, tenant, report)
    return recorded.map((runId) => ({ ...report, runId }))
  }
  return new ResultAsync(run())
}

function recordRun(store: Store, tenant: TenantId, report: InboxReport): ResultAsync<string, StoreError> {
  return store
    .createRun(tenant, { step: MOODLE_INBOX_STEP, metadata: { source: MOODLE_EVENT_SOURCE } })
    .andThen((created) => store.updateRun(tenant, created.id, { status: 'running' }))
    .andThen((created) =>
      store.updateRun(tenant, created.id, {
        status: 'completed',
        addCounts: report.counts,
        metadata: {
          read: report.read,
          handled: report.handled,
          // Bounded: the inbox itself keeps every pending event; this is the first page of reasons.
          failures: report.failures
            .slice(0, 100)
            .map((f) => ({ eventId: f.eventId, type: f.type, error: f.error })),
          failureCount: report.failures.length,
        },
      }),
    )
    .map((r) => r.id)
}

type Batch = Map<string, Record<string, unknown>>

interface Prepared {
  readonly round: Round
  readonly batches: Map<string, Batch>
  readonly target: Map<string, { entity: string; id: string; type: string }>
  readonly newLinks: Map<string, Link>
  readonly deletions: EnrollmentDeletion[]
}

// Reads a round's events and maps them to records, resolving Moodle ids through links: Store reads only,
// so it can run while the previous round is being written.
async function prepareRound(
  options: ProcessInboxOptions,
  events: readonly InboundEvent[],
): Promise<Result<Prepared, InboxError>> {
  const { store, tenant } = options
  const round: Round = { handled: [], counts: zero(), failures: [], ignored: [], grades: [] }

  const typed: PluginEvent[] = []
  for (const event of events) {
    const read = readPluginEvent(event.payload)
    if (read.isOk()) typed.push(read.value)
    else
      round.failures.push({
        eventId: event.eventId,
        type: event.type,
        error: read.error.message,
        issues: read.error.issues,
      })
  }

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
  const linked = new Map<string, ReadonlyMap<string, string>>()
  for (const [entity, set] of Object.entries(ids)) {
    if (set.size === 0) continue
    const found = await store.findByExternalIds(tenant, MOODLE_SYSTEM, entity, [...set])
    if (found.isErr()) return err(found.error)
    linked.set(entity, found.value)
  }
  const newLinks = new Map<string, Link>()
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
      if (e.data.role === 'other') continue
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

// Writes a prepared round: one engine pass, then the links of records first seen in it. Marking the
// events handled is the caller's, after this resolves.
async function writeRound(
  options: ProcessInboxOptions,
  prepared: Prepared,
): Promise<Result<Round, InboxError>> {
  const { store, engine, tenant } = options
  const { round, batches, target, newLinks, deletions } = prepared
  // ---- one engine pass, parents first --------------------------------------------------------------
  const outcomes = new Map<string, RecordOutcome>()
  if (batches.size > 0) {
    const synced = await engine.syncAll({
      tenant,
      batches: Object.fromEntries([...batches].map(([entity, batch]) => [entity, [...batch.values()]])),
    })
    if (synced.isErr()) return err(synced.error)
    for (const [entity, result] of synced.value.results) {
      for (const o of result.outcomes) if (o.id !== undefined) outcomes.set(`${entity}\u0000${o.id}`, o)
      for (const o of [...result.outcomes, ...result.replayed]) {
        if (o.entity === 'grade' && o.id !== undefined && (o.status === 'NEW' || o.status === 'UPDATED')) {
          round.grades.push(o.id)
        }
      }
    }
    const total = synced.value.counts
    for (const key of Object.keys(round.counts) as (keyof OutcomeCounts)[]) round.counts[key] += total[key]
  }

  // ---- links of records first seen here, for the records that were stored ----------------------------
  const stored = (entity: string, id: string) => {
    const o = outcomes.get(`${entity}\u0000${id}`)
    return o !== undefined && o.status !== 'INVALID' && o.status !== 'ERROR'
  }
  const links = [...newLinks.values()].filter((l) => stored(l.entity, l.id))
  if (links.length > 0) {
    const written = await store.upsertLinks(tenant, links)
    if (written.isErr()) return err(written.error)
  }

  for (const [eventId, t] of target) {
    const o = outcomes.get(`${t.entity}\u0000${t.id}`)
    if (o === undefined) {
      round.failures.push({ eventId, type: t.type, error: `no outcome for ${t.entity} ${t.id}` })
    } else if (o.status === 'INVALID') {
      round.failures.push({ eventId, type: t.type, error: o.message, issues: o.issues })
    } else if (o.status === 'ERROR') {
      round.failures.push({ eventId, type: t.type, error: o.reason })
    } else round.handled.push(eventId)
  }

  if (deletions.length > 0) {
    const applied = await applyEnrollmentDeletions(store, tenant, deletions)
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
