/**
 * Why a jobs call failed:
 * - `Queue`: pg-boss (that is, PostgreSQL) refused or could not be reached; `cause` holds its error.
 * - `Invalid`: the job request is malformed (the message names the field), nothing was queued.
 */
export type JobsErrorReason = 'Queue' | 'Invalid'

/** The error of `@edusync/jobs`. */
export class JobsError extends Error {
  override readonly name = 'JobsError'
  constructor(
    readonly reason: JobsErrorReason,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause })
  }
}
