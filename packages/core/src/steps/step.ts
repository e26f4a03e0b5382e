import type { ResultAsync } from 'neverthrow'
import type { OutcomeCounts } from '../store/store.ts'
import type { TenantId } from '../types/primitives.ts'
import type { Month, MonthRange } from './month-range.ts'

/**
 * Where a step sits in the execution order:
 * - `ordered`: part of the fixed order; `from` a step runs it and every ordered step after it.
 * - `separate`: runs only when asked for by name (`only`, or `from` naming it), like seed 004's accruals.
 */
export type StepKind = 'ordered' | 'separate'

/** What a running step is told. */
export interface StepContext {
  readonly tenant: TenantId
  /** The resolved month range (the caller's, or the whole current year). */
  readonly range: MonthRange
  /** Its months, in order: a step that works month by month loops over these. */
  readonly months: readonly Month[]
  /** This step's own recorded run: pass it on (e.g. `engine.syncStream({ runId })`) so counts add up. */
  readonly runId: string
  /** Step-specific options the caller passed (e.g. `{ full: true }` for a full pull). */
  readonly options: Readonly<Record<string, unknown>>
  /** Fires when the caller interrupts (Ctrl-C): stop between batches and return an error. */
  readonly signal: AbortSignal
  /** Reports progress (records done so far, and the total when known) to the caller's listener. */
  progress(update: StepProgress): void
}

/** A progress report of a running step. */
export interface StepProgress {
  readonly done: number
  readonly total?: number | undefined
  readonly message?: string | undefined
}

/** What a step returns when it succeeds: counts to add to its run, and details to keep with it. */
export interface StepSummary {
  readonly counts?: Partial<OutcomeCounts>
  readonly details?: Readonly<Record<string, unknown>>
}

/**
 * A named, described unit of work (a Zoho pull of one module, parked replay, a QuickBooks push, the month's
 * accruals). Steps are registered with a step runner in their fixed execution order.
 */
export interface Step {
  /** Stable id used by `from` / `only`, the CLI and run records, e.g. `"zoho:registration"`. */
  readonly name: string
  /** One line for people, e.g. `"Pull registrations from Zoho"`. */
  readonly description: string
  /** @default 'ordered' */
  readonly kind?: StepKind
  /** Step-specific options it understands, documented for `steps list` (name -> description). */
  readonly options?: Readonly<Record<string, string>>
  /** Does the work. An `err` is recorded on the step's run; the runner decides whether to go on. */
  run(context: StepContext): ResultAsync<StepSummary, Error>
}

/**
 * Declares a step (an identity function that checks the name, so a typo fails at start, not at run time).
 *
 * @example
 * ```ts
 * const replay = defineStep({
 *   name: 'parked-replay',
 *   description: 'Replay parked records whose parents arrived',
 *   run: ({ tenant }) => engine.replayParked(tenant).map((outcomes) => ({ counts: countOutcomes(outcomes) })),
 * })
 * ```
 */
export function defineStep(step: Step): Step {
  if (!/^[a-z0-9][a-z0-9:._-]*$/.test(step.name)) {
    throw new TypeError(`step name "${step.name}": expected lower-case letters, digits and : . _ -`)
  }
  return step
}
