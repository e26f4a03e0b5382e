import type { Store, SyncRun, TenantId } from '@edusync/core'
import type { Step, StepSummary } from '@edusync/core/steps'
import { defineStep } from '@edusync/core/steps'
import type { ResultAsync } from 'neverthrow'
import { errAsync } from 'neverthrow'
import type { GradeUpsert } from '../flows/grades-to-zoho.ts'
import { writeBackGrades } from '../flows/write-back-grades.ts'
import { MOODLE_INBOX_STEP } from '../inbox/process-inbox.ts'

/** The step's name in the execution order and in run records. */
export const GRADE_PUSH_STEP = 'moodle:grade-push'

/** Inbox runs looked at for grades not yet pushed (runs are newest first). */
const INBOX_RUNS = 100

/** Options of {@link gradePushStep}. */
export interface GradePushStepOptions<E> {
  readonly store: Store
  /**
   * The tenant's CRM upsert of grades, e.g. `(grades) => upsertGrades(zoho, grades)` from `@edusync/zoho`
   * (`undefined`: the tenant has no CRM connection and the step fails, naming it).
   */
  readonly upsert: (tenant: TenantId) => GradeUpsert<E> | undefined
  /** The CRM's link system. @default 'zoho' */
  readonly system?: string
}

/**
 * The `moodle:grade-push` step: writes the grades the `moodle:inbox` step stored or changed back to the
 * CRM with {@link writeBackGrades}: the grades of every inbox step run completed since this step last
 * completed, plus the grades that waited last time (their student or class had no CRM record yet, or the
 * write failed). Register it after `moodle:inbox`. Counts: `total` grades tried, `updated` sent,
 * `deferred` still waiting for a CRM record, `error` failed (both retried by the next push).
 */
export function gradePushStep<E extends Error>(options: GradePushStepOptions<E>): Step {
  const { store } = options
  return defineStep({
    name: GRADE_PUSH_STEP,
    description: 'Write grades from the Moodle inbox back to the CRM (waiting ones are retried)',
    run: ({ tenant, progress }) =>
      store
        .listRuns(tenant, { step: GRADE_PUSH_STEP, status: 'completed', limit: 1 })
        .andThen((last) =>
          store
            .listRuns(tenant, { step: MOODLE_INBOX_STEP, status: 'completed', limit: INBOX_RUNS })
            .map((inbox) => gradesSince(inbox, last[0]?.createdAt)),
        )
        .andThen((gradeIds): ResultAsync<StepSummary, Error> => {
          const upsert = options.upsert(tenant)
          if (!upsert) {
            return errAsync(new Error(`${tenant} has no CRM connection for the grade push`))
          }
          return writeBackGrades<E>({
            store,
            tenant,
            gradeIds,
            upsert,
            ...(options.system ? { system: options.system } : {}),
          }).map((result) => {
            const count = (status: string) => result.grades.filter((g) => g.status === status).length
            progress({ done: result.grades.length, total: result.grades.length })
            return {
              counts: {
                total: result.grades.length,
                updated: count('SENT'),
                deferred: count('DEFERRED'),
                error: count('FAILED'),
              },
              details: { waiting: result.waiting.length, missing: result.missing.length },
            }
          })
        }),
  })
}

/** Grade ids of the inbox step runs created after `since` (all of them when the step never ran). */
function gradesSince(runs: readonly SyncRun[], since: Date | undefined): string[] {
  const ids = new Set<string>()
  for (const run of runs) {
    if (since && run.createdAt <= since) continue
    const details = run.metadata.details as { grades?: unknown } | undefined
    if (!Array.isArray(details?.grades)) continue
    for (const id of details.grades) if (typeof id === 'string') ids.add(id)
  }
  return [...ids]
}
