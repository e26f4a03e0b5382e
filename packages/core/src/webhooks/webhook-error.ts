import type { ParseIssue } from '../errors/parse-error.ts'
import { boundIssue } from '../errors/parse-error.ts'

/**
 * Why a webhook request was refused, each with the HTTP status a sender can act on:
 * - `NotFound` (404): the host knows no such tenant or route.
 * - `PayloadTooLarge` (413): the body exceeds the handler's `maxBodyBytes`, or holds more records than
 *   allowed per request.
 * - `UnsupportedMediaType` (415): the body is neither JSON nor form fields.
 * - `BadRequest` (400): the body could not be read, or broke a depth / text-length limit; `issues` says
 *   where and why.
 * - `Unauthenticated` (401): credentials missing or wrong, body tampered, timestamp stale, nonce replayed.
 * - `Forbidden` (403): the credentials are valid but not for this tenant (or the tenant accepts none).
 * - `Conflict` (409): the idempotency key was used with a different body.
 * - `InProgress` (409, `Retry-After`: what is left of the holder's lease, in whole seconds rounded up):
 *   another delivery with the same key is being processed.
 * - `Unprocessable` (422): the delivery was read but can never be stored as sent (the Store refused its
 *   content as invalid); retrying the same delivery cannot help, fixing the source record can.
 * - `Unavailable` (503, `Retry-After`): the Store (or an upstream API) is down; retrying will succeed.
 * - `Internal` (500): a bug; nothing was recorded as done, so a retry is processed.
 */
export type WebhookErrorReason =
  | 'NotFound'
  | 'PayloadTooLarge'
  | 'UnsupportedMediaType'
  | 'BadRequest'
  | 'Unauthenticated'
  | 'Forbidden'
  | 'Conflict'
  | 'InProgress'
  | 'Unprocessable'
  | 'Unavailable'
  | 'Internal'

const STATUS: Record<WebhookErrorReason, number> = {
  NotFound: 404,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  BadRequest: 400,
  Unauthenticated: 401,
  Forbidden: 403,
  Conflict: 409,
  InProgress: 409,
  Unprocessable: 422,
  Unavailable: 503,
  Internal: 500,
}

/** The one error type of the webhook kit; {@link WebhookError.status} is the HTTP status to answer. */
export class WebhookError extends Error {
  override readonly name = 'WebhookError'

  constructor(
    readonly reason: WebhookErrorReason,
    message: string,
    options: {
      cause?: unknown
      /** Problems found in the body (for `BadRequest`). */
      issues?: readonly ParseIssue[]
      /** Seconds the sender should wait before retrying (`Unavailable`, `InProgress`). */
      retryAfter?: number
    } = {},
  ) {
    super(message, { cause: options.cause })
    this.issues = (options.issues ?? []).map(boundIssue)
    this.retryAfter = options.retryAfter
  }

  /** Issues found in the body (empty unless `BadRequest`), each `received` a bounded preview. */
  readonly issues: readonly ParseIssue[]
  /** Seconds before a retry makes sense, sent as `Retry-After`. */
  readonly retryAfter: number | undefined

  /** The HTTP status for this reason. */
  get status(): number {
    return STATUS[this.reason]
  }
}
