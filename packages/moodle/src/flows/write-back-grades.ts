import type { Store, StoreError, TenantId } from '@edusync/core'
import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import type { GradeUpsert, PushGradesResult } from './grades-to-zoho.ts'
import { pushGradesToCrm } from './grades-to-zoho.ts'

/** The sync-run step a grade write-back is recorded under; its metadata keeps the grades still waiting. */
export const GRADE_WRITE_BACK_STEP = 'moodle:grade-write-back'

/** At most this many waiting grade ids are carried from one write-back to the next (the oldest first). */
export const MAX_WAITING_GRADES = 5_000

/** Options of {@link writeBackGrades}. */
export interface WriteBackGradesOptions<E> {
  readonly store: Store
  readonly tenant: TenantId
  /** Grades stored or changed since the last write-back (e.g. {@link InboxReport.grades}). */
  readonly gradeIds: readonly string[]
  readonly upsert: GradeUpsert<E>
  /** The CRM's link system. @default 'zoho' */
  readonly system?: string
}

/** What {@link writeBackGrades} did, and the grades it carries to the next write-back. */
export interface WriteBackGradesResult extends PushGradesResult {
  /** Grade ids still waiting (DEFERRED or FAILED), retried by the next write-back. */
  readonly waiting: readonly string[]
  readonly runId: string
}

/**
 * {@link pushGradesToCrm} with memory: the grades that could not be written last time (DEFERRED because
 * their student or class had no CRM record yet, or FAILED) are kept in the last run's metadata and tried
 * again with the next batch, so a grade waits rather than being dropped. Each write-back is a recorded
 * run (`moodle:grade-write-back`): counts of what was sent, and the ids still waiting.
 */
export function writeBackGrades<E>(
  options: WriteBackGradesOptions<E>,
): ResultAsync<WriteBackGradesResult, StoreError | E> {
  const { store, tenant } = options
  const run = async (): Promise<Result<WriteBackGradesResult, StoreError | E>> => {
    // Runs made within one clock tick tie on their times, so the latest is the one with the highest `seq`.
    const recent = await store.listRuns(tenant, {
      step: GRADE_WRITE_BACK_STEP,
      status: 'completed',
      limit: 10,
    })
    if (recent.isErr()) return err(recent.error)
    const seqOf = (r: { metadata: Readonly<Record<string, unknown>> }) =>
      typeof r.metadata.seq === 'number' ? r.metadata.seq : 0
    const latest = [...recent.value].sort((a, b) => seqOf(b) - seqOf(a))[0]
    const carried = latest?.metadata.waiting
    const previous = Array.isArray(carried)
      ? carried.filter((id): id is string => typeof id === 'string')
      : []
    const gradeIds = [...new Set([...previous, ...options.gradeIds])]
    if (gradeIds.length === 0) return ok({ grades: [], missing: [], waiting: [], runId: latest?.id ?? '' })
    const pushed = await pushGradesToCrm({ ...options, gradeIds })
    if (pushed.isErr()) return err(pushed.error)
    const waiting = pushed.value.grades
      .filter((g) => g.status !== 'SENT')
      .map((g) => g.id)
      .slice(0, MAX_WAITING_GRADES)
    const count = (status: string) => pushed.value.grades.filter((g) => g.status === status).length
    const recorded = await store
      .createRun(tenant, { step: GRADE_WRITE_BACK_STEP, metadata: { system: options.system ?? 'zoho' } })
      .andThen((created) => store.updateRun(tenant, created.id, { status: 'running' }))
      .andThen((started) =>
        store.updateRun(tenant, started.id, {
          status: 'completed',
          addCounts: {
            total: pushed.value.grades.length,
            updated: count('SENT'),
            deferred: count('DEFERRED'),
            error: count('FAILED'),
          },
          metadata: {
            seq: (latest ? seqOf(latest) : 0) + 1,
            waiting,
            missing: pushed.value.missing.slice(0, 100),
          },
        }),
      )
    if (recorded.isErr()) return err(recorded.error)
    return ok({ ...pushed.value, waiting, runId: recorded.value.id })
  }
  return new ResultAsync(run())
}
