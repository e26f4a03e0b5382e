import { resolve } from 'node:path'
import type { TenantId } from '@edusync/core'
import type { AccrualContract, Finance } from '@edusync/core/finance'
import { accrualsStep, monthlyAccruals } from '@edusync/core/finance'
import type { Step } from '@edusync/core/steps'
import { defineStep } from '@edusync/core/steps'
import { errAsync, okAsync, ResultAsync } from 'neverthrow'
import * as z from 'zod'
import { describeReceived } from './config.ts'
import { readTenantEntries } from './tenant-file.ts'

/** One entry of a contracts file, before the accrual rules (dates, amount) are checked. */
const contractEntry = z.object({
  id: z.string().min(1, { message: 'required' }),
  start: z.string({ message: 'expected a date YYYY-MM-DD' }),
  end: z.string({ message: 'expected a date YYYY-MM-DD' }),
  amountMinor: z.number({ message: 'expected a number of minor units' }),
  currency: z.string().regex(/^[A-Z]{3}$/, { message: 'expected an ISO 4217 code like USD' }),
})

/** The contracts of a file that can be accrued, and the entries left out with why. */
export interface ContractsRead {
  readonly contracts: readonly AccrualContract[]
  /** One line per entry left out: `<file> [<index>] <field>: <rule> (received ...)`. */
  readonly skipped: readonly string[]
}

/**
 * Reads a contracts file: a JSON array of `{ id, start, end, amountMinor, currency }`, or
 * `{ "<tenant>": [...] }`. An entry that is not an accruable contract (a missing field, an end before its
 * start, a negative amount) is left out and named with its index, field, rule and value; the others are
 * accrued. A file that cannot be read or is not such a list is an error.
 */
export function readContracts(file: string, tenant: TenantId): ResultAsync<ContractsRead, Error> {
  return ResultAsync.fromSafePromise(readTenantEntries(file, tenant, 'contracts')).andThen((entries) => {
    if (entries.isErr()) return errAsync(new Error(`${file}: ${entries.error}`))
    const contracts: AccrualContract[] = []
    const skipped: string[] = []
    for (const [index, raw] of entries.value.entries()) {
      const entry = contractEntry.safeParse(raw)
      if (!entry.success) {
        const path = entry.error.issues[0]?.path ?? []
        const rule = entry.error.issues[0]?.message ?? 'invalid'
        skipped.push(
          `${file} [${index}] ${path.join('.') || '(entry)'}: ${rule}${describeReceived(raw, path)}`,
        )
        continue
      }
      // The accrual rules themselves (calendar dates, end not before start, a safe non-negative amount).
      const split = monthlyAccruals(entry.data)
      if (split.isErr()) skipped.push(`${file} [${index}] ${split.error.message}`)
      else contracts.push(entry.data)
    }
    return okAsync({ contracts, skipped })
  })
}

/**
 * The CLI's `accruals` step: core's {@link accrualsStep} over the contracts file named by the step option
 * `contracts` (`--option contracts=path`) or the configuration (`finance.contractsFile`,
 * `EDUSYNC_CONTRACTS_FILE`); a relative option path is relative to `cwd`. The others are accrued month by
 * month over the run's range. Counts: `new` / `unchanged` are accruals (one per contract and month, as core's
 * step counts them), `invalid` the entries left out, each listed in the run's details (`skipped`).
 */
export function contractsAccrualsStep(options: {
  readonly finance: Finance
  readonly contractsFile: string | undefined
  readonly cwd: string
}): Step {
  const accrue = (contracts: readonly AccrualContract[]) =>
    accrualsStep({ finance: options.finance, contracts: () => okAsync(contracts) })
  return defineStep({
    // Core's name, description and kind; the contracts are read per run, from the run's options.
    ...accrue([]),
    options: { contracts: 'a JSON file of contracts { id, start, end, amountMinor, currency } to accrue' },
    run: (context) => {
      const named = context.options.contracts
      const file =
        typeof named === 'string' && named !== '' ? resolve(options.cwd, named) : options.contractsFile
      if (!file) {
        return errAsync(
          new Error(
            'accruals: no contracts to accrue: give --option contracts=<file.json> or set finance.contractsFile (EDUSYNC_CONTRACTS_FILE)',
          ),
        )
      }
      return readContracts(file, context.tenant).andThen(({ contracts, skipped }) =>
        accrue(contracts)
          .run(context)
          .map((summary) => ({
            counts: {
              ...summary.counts,
              total: (summary.counts?.total ?? 0) + skipped.length,
              invalid: skipped.length,
            },
            details: { ...summary.details, file, ...(skipped.length > 0 ? { skipped } : {}) },
          })),
      )
    },
  })
}
