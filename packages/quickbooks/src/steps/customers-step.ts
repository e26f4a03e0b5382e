import type { TenantId } from '@edusync/core'
import type { Step } from '@edusync/core/steps'
import { defineStep } from '@edusync/core/steps'
import { err, errAsync, ok, ResultAsync } from 'neverthrow'
import type { QuickBooksClient } from '../client.ts'
import type { CustomerSubject } from '../map/customer.ts'
import type { SubjectSource } from '../sync/common.ts'
import type { CustomerSyncContext } from '../sync/customer-sync.ts'
import { syncCustomers } from '../sync/customer-sync.ts'

/** The step's name in the execution order and in run records. */
export const CUSTOMERS_STEP = 'quickbooks:customers'

/** Options of {@link customersStep}. */
export interface CustomersStepOptions extends Omit<CustomerSyncContext, 'client' | 'tenant'> {
  /** The tenant's QuickBooks client (`undefined`: the step fails, naming the tenant). */
  readonly client: (tenant: TenantId) => QuickBooksClient | undefined
  /** The tenant's applicants and students (e.g. `storeSubjects(store, tenant, { kinds })`). */
  readonly subjects: (tenant: TenantId, kinds: ReadonlySet<CustomerSubject['kind']>) => SubjectSource
  /** Records per chunk. @default 30 */
  readonly batchSize?: number
  /** Claim holder; the same id resumes a crashed run's claims at once. @default 'edusync-step' */
  readonly worker?: string
}

/**
 * The `quickbooks:customers` step: pushes applicants and students that changed to QuickBooks customers
 * with {@link syncCustomers} (ledger-driven, batch calls of 30, per-record failures recorded). Stops
 * between chunks when interrupted (what was sent is recorded; the next run carries on). Counts: `total`
 * records read, `new` customers created, `updated` updated or linked, `unchanged` already in agreement or
 * not due, `error` failed records (their errors are in the push ledger, `edusync customers status`).
 *
 * Step options: `kinds` (`"applicant"`, `"student"` or an array of both; default both), `batchSize`.
 *
 * @example
 * ```ts
 * const step = customersStep({ client: () => qb, ledger: store.pushLedger, store, subjects: (t, kinds) => storeSubjects(store, t, { kinds }) })
 * ```
 */
export function customersStep(options: CustomersStepOptions): Step {
  return defineStep({
    name: CUSTOMERS_STEP,
    description: 'Push new and changed applicants and students to QuickBooks customers',
    options: {
      kinds: 'applicant, student or both (default both)',
      batchSize: 'records per chunk, 1-1000 (default 30)',
    },
    run: ({ tenant, options: stepOptions, signal, progress }) => {
      const client = options.client(tenant)
      if (!client) return errAsync(noClient(tenant))
      const kinds = kindsOf(stepOptions.kinds)
      if (kinds instanceof Error) return errAsync(kinds)
      const batchSize =
        typeof stepOptions.batchSize === 'number' ? stepOptions.batchSize : (options.batchSize ?? 30)
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
        return errAsync(
          new TypeError(`batchSize: expected an integer 1-1000, received ${JSON.stringify(batchSize)}`),
        )
      }
      const { client: _c, subjects, batchSize: _b, worker, ...context } = options
      const sync = syncCustomers(
        subjects(tenant, kinds),
        { ...context, client, tenant },
        {
          batchSize,
          signal,
          worker: worker ?? 'edusync-step',
          onProgress: (p) =>
            progress({
              done: p.seen,
              message: `${p.created} created, ${p.updated + p.linked} updated, ${p.unchanged + p.skipped} unchanged, ${p.failed} failed`,
            }),
        },
      )
      // A subject source that throws (a Store failure while reading) rejects: recorded as the step's error.
      const settled = Promise.resolve(sync).then(
        (result) =>
          result.andThen((report) => {
            if (report.cancelled) return err(new Error(`interrupted after ${report.seen} records`))
            return ok({
              counts: {
                total: report.seen,
                new: report.created,
                updated: report.updated + report.linked,
                unchanged: report.unchanged + report.skipped,
                error: report.failed,
              },
              details: {
                seen: report.seen,
                created: report.created,
                updated: report.updated,
                linked: report.linked,
                unchanged: report.unchanged,
                skipped: report.skipped,
                failed: report.failed,
                batchCalls: report.batchCalls,
                failures: report.failures.slice(0, 20),
              },
            })
          }),
        (error: unknown) => err(error instanceof Error ? error : new Error(String(error))),
      )
      return new ResultAsync(settled)
    },
  })
}

function noClient(tenant: TenantId): Error {
  return new Error(`${tenant} has no QuickBooks connection configured`)
}

function kindsOf(value: unknown): ReadonlySet<CustomerSubject['kind']> | Error {
  if (value === undefined) return new Set<CustomerSubject['kind']>(['applicant', 'student'])
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value]
  const kinds = new Set<CustomerSubject['kind']>()
  for (const item of list) {
    const kind = typeof item === 'string' ? item.trim() : item
    if (kind !== 'applicant' && kind !== 'student') {
      return new TypeError(`kinds: expected applicant or student, received ${JSON.stringify(item)}`)
    }
    kinds.add(kind)
  }
  return kinds
}
