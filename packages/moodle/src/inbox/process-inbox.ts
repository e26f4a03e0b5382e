import type {
  InboundEvent,
  OutcomeCounts,
  ParseIssue,
  Store,
  StoreError,
  SyncEngine,
  SyncError,
  TenantId,
} from '@edusync/core'
import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import type { Prepared, ReadPage, Round } from './inbox-round.ts'
import { prepareRound, readRound, writeRound, zero } from './inbox-round.ts'

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

/**
 * Drains a tenant's Moodle inbox, oldest first, in rounds of `batchSize` events: reads each event strictly,
 * maps it to canonical records (users -> students or teachers, courses -> classes, enrolments ->
 * enrollments, graded submissions -> grades), resolves Moodle ids through Store links, syncs everything
 * through the engine in dependency order, records new Moodle links, and only then marks the events
 * handled. Per round the Store sees a fixed number of calls whatever the number of events.
 *
 * - A Moodle user (student) without a link is matched by e-mail to an existing student: exactly one
 *   candidate not linked to another Moodle user, else the event stays pending naming the candidates.
 * - The drain pages forward from the last event it took (`listEvents`' `afterEventId`): each event is
 *   tried once per drain; one appended meanwhile with an earlier receipt time waits for the next drain.
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
  if (!Number.isInteger(size) || size < 1)
    throw new TypeError('processMoodleInbox: batchSize must be a positive integer')
  const source = options.source ?? MOODLE_EVENT_SOURCE
  const run = async (): Promise<Result<InboxReport, InboxError>> => {
    const counts = zero()
    const failures = new Map<string, InboxFailure>()
    const ignored: InboxIgnored[] = []
    const grades = new Set<string>()
    // Pages only move forward (`afterEventId`), so no event is read twice in one drain.
    let read = 0
    let handled = 0
    let marking: Promise<Result<number, StoreError>>[] = []
    // Rounds being written, oldest first (see `mayOverlap`).
    const writing: Writing[] = []

    // While a round's records are written (and the one before it is marked handled), the next is listed,
    // read and resolved. Results are taken in inbox order, whatever order the writes finish in.
    const settle = async (): Promise<InboxError | undefined> => {
      const oldest = writing.shift()
      if (!oldest) return undefined
      const written = await oldest.write
      if (written.isErr()) return written.error
      const r = written.value
      for (const key of Object.keys(counts) as (keyof OutcomeCounts)[]) counts[key] += r.counts[key]
      for (const f of r.failures) failures.set(f.eventId, f)
      ignored.push(...r.ignored)
      for (const g of r.grades) grades.add(g)
      if (r.handled.length > 0) {
        handled += r.handled.length
        // Not awaited here: the next round is written meanwhile.
        marking.push(Promise.resolve(store.markEventsHandled(tenant, source, r.handled)))
      }
      return undefined
    }

    // Pages forward from the last event taken (`afterEventId`), so a listing never returns an event this
    // drain has taken, whether it is being written, being marked, or failed and left pending: every
    // event is tried once per drain, and its payload fetched once. Ends at the first empty page.
    const list = (after: string | undefined) =>
      store.listEvents(tenant, {
        source,
        handled: false,
        limit: size,
        ...(after === undefined ? {} : { afterEventId: after }),
      })
    // One page is always asked for ahead: it depends only on the last event of the page before, so its
    // round trip runs while that page is read and written instead of before it.
    let next: ResultAsync<readonly InboundEvent[], StoreError> = list(undefined)
    const stop = async (error: InboxError) => {
      await Promise.all([...writing.map((w) => w.write), ...marking, next])
      return err(error)
    }
    for (;;) {
      // The page is read at once and not kept: its payloads are garbage before the next await.
      const page = readListed(await next)
      if (page instanceof Error) {
        while (writing.length > 0) await settle()
        return stop(page)
      }
      read += page.size
      const last = page.lastEventId
      if (last !== undefined) next = list(last)
      // A round being written that makes links or records others read (users, courses, enrolments) is
      // awaited before this round reads links and records, so it reads what that round wrote.
      const readsAfter = writing.filter((w) => w.records === undefined).map((w) => w.write)
      const prepared =
        last !== undefined
          ? await prepareRound(options, page, readsAfter.length > 0 ? Promise.all(readsAfter) : undefined)
          : undefined
      const records = prepared?.isOk() ? independentRecords(options.engine, prepared.value) : undefined
      while (writing.length > 0 && !(prepared?.isOk() && mayOverlap(writing, records))) {
        const failed = await settle()
        if (failed) return stop(failed)
      }
      if (prepared === undefined) break
      if (prepared.isErr()) return stop(prepared.error)
      writing.push({ write: writeRound(options, prepared.value), records })
    }
    const markFailed = (await Promise.all(marking)).find((m) => m.isErr())
    marking = []
    if (markFailed?.isErr()) return err(markFailed.error)
    const report: InboxReport = {
      read,
      handled,
      counts,
      failures: [...failures.values()],
      ignored,
      grades: [...grades],
    }
    if (options.recordRun === false || read === 0) return ok(report)
    const recorded = await recordRun(store, tenant, report)
    return recorded.map((runId) => ({ ...report, runId }))
  }
  return new ResultAsync(run())
}

/** A round being written, and its records by entity when it may be written alongside another. */
interface Writing {
  readonly write: Promise<Result<Round, InboxError>>
  readonly records: Records | undefined
}

/** A round's record ids by entity (the prepared batches themselves: nothing is copied). */
type Records = ReadonlyMap<string, ReadonlyMap<string, unknown>>

/** Rounds written at once, at most: a second one keeps both cores busy while the first waits on the Store. */
const MAX_WRITING = 2

/**
 * A round's records when its write is independent of any other round's: it writes only records no other
 * record waits for (grades: nothing references them, so writing one never unblocks a parked record),
 * makes no links and deletes nothing. Otherwise `undefined`.
 */
function independentRecords(engine: SyncEngine, prepared: Prepared): Records | undefined {
  if (prepared.newLinks.size > 0 || prepared.deletions.length > 0) return undefined
  for (const entity of prepared.batches.keys()) if (engine.waitedFor.has(entity)) return undefined
  return prepared.batches
}

/**
 * Whether a round with these records may be written while `writing` is: every round involved is
 * independent (`independentRecords`) and none shares a record with it, so the writes commute (a record in
 * both must be written in inbox order: the later event wins).
 */
function mayOverlap(writing: readonly Writing[], records: Records | undefined): boolean {
  if (records === undefined || writing.length >= MAX_WRITING) return false
  for (const w of writing) {
    if (w.records === undefined) return false
    for (const [entity, batch] of records) {
      const other = w.records.get(entity)
      if (other === undefined) continue
      for (const id of batch.keys()) if (other.has(id)) return false
    }
  }
  return true
}

function readListed(listed: Result<readonly InboundEvent[], StoreError>): ReadPage | StoreError {
  return listed.isErr() ? listed.error : readRound(listed.value)
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
