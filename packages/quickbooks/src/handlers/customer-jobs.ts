import type { TenantId } from '@edusync/core'
import type { CustomerSyncProgress, CustomerSyncReport } from '../sync/customer-sync.ts'

/** A background customer sync of one tenant, as the status endpoint shows it. */
export interface CustomerJob {
  running: boolean
  /** ISO timestamp of the start. */
  startedAt: string
  /** Counts after the last chunk (`null` before the first). */
  progress: CustomerSyncProgress | null
  /** The final report, once the run finished. */
  report: CustomerSyncReport | null
  /** Why the run stopped early, when it failed as a whole. */
  error: { reason: string; message: string } | null
}

/**
 * The background syncs this process started: at most one running per tenant, the last one kept for the
 * status endpoint. The push ledger's claims are what keep two processes from pushing the same record; this
 * only stops one process from starting a second run beside its own.
 */
export interface CustomerJobs {
  get(tenant: TenantId): CustomerJob | undefined
  /** Starts `run` as the tenant's job, or returns `undefined` while one is running. */
  start(
    tenant: TenantId,
    run: (job: CustomerJob) => Promise<void>,
  ): { readonly job: CustomerJob; readonly done: Promise<void> } | undefined
  /** Resolves once no job of this process is running. */
  idle(): Promise<void>
}

/** Creates an empty {@link CustomerJobs}. */
export function createCustomerJobs(now: () => Date = () => new Date()): CustomerJobs {
  const jobs = new Map<TenantId, CustomerJob>()
  const running = new Set<Promise<void>>()
  return {
    get: (tenant) => jobs.get(tenant),
    start(tenant, run) {
      if (jobs.get(tenant)?.running) return undefined
      const job: CustomerJob = {
        running: true,
        startedAt: now().toISOString(),
        progress: null,
        report: null,
        error: null,
      }
      jobs.set(tenant, job)
      const done = run(job)
        .catch((cause: unknown) => {
          // A bug in a subject source or hook: recorded on the job, never an unhandled rejection.
          job.error = { reason: 'Internal', message: cause instanceof Error ? cause.message : String(cause) }
        })
        .finally(() => {
          job.running = false
          running.delete(done)
        })
      running.add(done)
      return { job, done }
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running])
    },
  }
}
