import type { StoreError } from '../errors/store-error.ts'

/**
 * Why the step runner could not do what was asked. A step that fails, or a run interrupted by the caller,
 * is not an error of the runner: it is recorded and reported (`StepsReport.status`).
 * - `UnknownStep`: a name given to `from` / `only` is not registered; the message lists the known ones.
 * - `InvalidRange`: the month range is malformed (a date that is not the first of a month, an end not after
 *   the start, only one of start and end); the message names the value.
 * - `NotResumable`: the run to resume does not exist, is not a steps run, or has nothing left to run.
 * - `Store`: recording the run failed; `cause` is the {@link StoreError}.
 */
export type StepErrorReason = 'UnknownStep' | 'InvalidRange' | 'NotResumable' | 'Store'

/** The error of the step runner. `runId` is the steps run it concerns, when one was recorded. */
export class StepError extends Error {
  override readonly name = 'StepError'

  constructor(
    readonly reason: StepErrorReason,
    message: string,
    options: { cause?: StoreError | unknown; runId?: string } = {},
  ) {
    super(message, { cause: options.cause })
    this.runId = options.runId
  }

  /** The recorded steps run (parent run) this error belongs to, if one was created. */
  readonly runId: string | undefined
}
