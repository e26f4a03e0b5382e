import type { Store, SyncEngine } from '@edusync/core'
import type { Step } from '@edusync/core/steps'
import { defineStep } from '@edusync/core/steps'
import { MAX_WAITING_GRADES } from '../flows/write-back-grades.ts'
import { MOODLE_INBOX_STEP, processMoodleInbox } from '../inbox/process-inbox.ts'

/** Options of {@link moodleInboxStep}. */
export interface MoodleInboxStepOptions {
  readonly store: Store
  readonly engine: SyncEngine
  /** Events per round. @default 1000 */
  readonly batchSize?: number
}

/**
 * The `moodle:inbox` step: drains the tenant's Moodle plugin events stored by the event intake with
 * {@link processMoodleInbox} (users, courses, enrolments and graded submissions to canonical records,
 * through the engine in dependency order). No Moodle call is made: the events are already in the Store.
 * The step's run holds the counts, the first failures, and the ids of the grades stored or changed
 * (`details.grades`), which the `moodle:grade-push` step writes back to the CRM.
 *
 * Step options: `batchSize` (events per round).
 */
export function moodleInboxStep(options: MoodleInboxStepOptions): Step {
  return defineStep({
    name: MOODLE_INBOX_STEP,
    description: 'Process the Moodle plugin events waiting in the inbox (users, courses, enrolments, grades)',
    options: { batchSize: 'events per round (default 1000)' },
    run: ({ tenant, options: stepOptions, progress }) => {
      const batchSize =
        typeof stepOptions.batchSize === 'number' ? stepOptions.batchSize : (options.batchSize ?? 1000)
      return processMoodleInbox({
        store: options.store,
        engine: options.engine,
        tenant,
        batchSize,
        // The step runner records this run; a second record of the same drain would count it twice.
        recordRun: false,
      }).map((report) => {
        progress({ done: report.read, total: report.read })
        return {
          counts: report.counts,
          details: {
            read: report.read,
            handled: report.handled,
            failureCount: report.failures.length,
            failures: report.failures.slice(0, 20).map((f) => ({ eventId: f.eventId, error: f.error })),
            grades: report.grades.slice(0, MAX_WAITING_GRADES),
          },
        }
      })
    },
  })
}
