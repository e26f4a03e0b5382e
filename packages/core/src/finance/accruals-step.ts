import type { ResultAsync } from 'neverthrow'
import { errAsync, okAsync } from 'neverthrow'
import type { Step } from '../steps/step.ts'
import { defineStep } from '../steps/step.ts'
import type { TenantId } from '../types/primitives.ts'
import type { AccrualContract } from './accruals.ts'
import type { Finance } from './finance-service.ts'

/** Options of {@link accrualsStep}. */
export interface AccrualsStepOptions {
  readonly finance: Finance
  /** The tenant's contracts or service periods to accrue (e.g. read from the Store or the CRM). */
  readonly contracts: (tenant: TenantId) => ResultAsync<readonly AccrualContract[], Error>
}

/**
 * The `accruals` step (seed 004's separate step): accrues the contracts for every month of the run's
 * range, one month after another, with {@link Finance.runMonthlyAccruals}. Idempotent per (contract,
 * month), so re-running a range records nothing twice: counts report new accruals as `new` and ones
 * already stored as `unchanged`. Stops between months when interrupted.
 *
 * @example
 * ```ts
 * const runner = createStepRunner({ store, steps: [...pulls, accrualsStep({ finance, contracts })] })
 * await runner.run('acme', { only: ['accruals'], range: { start: '2026-01-01', end: '2026-04-01' } })
 * ```
 */
export function accrualsStep(options: AccrualsStepOptions): Step {
  return defineStep({
    name: 'accruals',
    description: 'Accrue contracts month by month (idempotent per contract and month)',
    kind: 'separate',
    run: ({ tenant, months, signal, progress }) =>
      options.contracts(tenant).andThen((contracts) => {
        let inserted = 0
        let existing = 0
        let chain: ResultAsync<void, Error> = okAsync(undefined)
        months.forEach((month, index) => {
          chain = chain.andThen(() => {
            if (signal.aborted) return errAsync(new Error(`accruals interrupted before ${month.start}`))
            return options.finance
              .runMonthlyAccruals({ tenant, month: month.start, contracts })
              .map((result) => {
                inserted += result.inserted.length
                existing += result.existing.length
                progress({ done: index + 1, total: months.length, message: month.start })
              })
          })
        })
        return chain.map(() => ({
          counts: { total: inserted + existing, new: inserted, unchanged: existing },
          details: { months: months.length, contracts: contracts.length },
        }))
      }),
  })
}
