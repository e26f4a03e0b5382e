/**
 * Why a QuickBooks call failed:
 * - `Auth`: the token endpoint refused the refresh token (`invalid_grant`: re-consent is needed, see
 *   {@link QuickBooksError.reconsent}), the tenant has no tokens yet, or the API kept answering 401/403
 *   (`3200` AuthenticationFailed, `100` General Authentication Error, `3100`/`120` authorisation) after
 *   one refresh.
 * - `RateLimited`: HTTP 429 or fault `3001` ThrottleExceeded after every wait and retry.
 * - `Validation`: QuickBooks rejected the data (`ValidationFault`: `2050` string length, `2210` e-mail,
 *   `6000` business rule, `610` object not found or inactive, `620` cannot link, `6140` duplicate document
 *   number, ...); {@link QuickBooksError.code} and {@link QuickBooksError.element} say where.
 * - `StaleObject`: fault `5010`, the `SyncToken` sent was not the current one.
 * - `Duplicate`: fault `6240`, the DisplayName is taken by a customer, vendor or employee.
 * - `NotFound`: HTTP 404, or a read of an id that does not exist.
 * - `Transport`: the network failed or QuickBooks answered 5xx after every retry.
 * - `Timeout`: no answer within the configured timeout (QuickBooks itself gives up after 120 s).
 * - `Decode`: a body that is not what QuickBooks documents (neither the expected JSON nor a fault).
 * - `Store`: edusync's own Store, push ledger or token store failed (the `StoreError` is the cause); nothing
 *   about QuickBooks is known from it.
 */
export type QuickBooksErrorReason =
  | 'Auth'
  | 'RateLimited'
  | 'Validation'
  | 'StaleObject'
  | 'Duplicate'
  | 'NotFound'
  | 'Transport'
  | 'Timeout'
  | 'Decode'
  | 'Store'

/** One `Error` item of a QuickBooks fault. */
export interface QuickBooksFaultError {
  readonly message: string
  readonly detail: string
  /** The fault code as sent (`"6240"`); match on it, never on the text. */
  readonly code: string
  /** The element at fault, when QuickBooks names one (`"Line.SalesItemLineDetail"`). */
  readonly element: string | undefined
}

/** Context of a {@link QuickBooksError}; strings in it are redacted. */
export interface QuickBooksErrorOptions {
  /** The request, redacted. */
  readonly request?: { readonly method: string; readonly url: string }
  readonly status?: number
  /** The first fault error's code, e.g. `"6240"`, or the token endpoint's `error`, e.g. `"invalid_grant"`. */
  readonly code?: string
  /** The first fault error's element. */
  readonly element?: string
  /** The fault `type` (`ValidationFault`, `AUTHENTICATION`, `AuthenticationFault`, ...). */
  readonly faultType?: string
  /** Every fault error received. */
  readonly errors?: readonly QuickBooksFaultError[]
  /** The `intuit_tid` response header: quote it in support tickets. */
  readonly intuitTid?: string
  /** For `Auth`: true when a person must connect QuickBooks again (the refresh token is dead). */
  readonly reconsent?: boolean
  /** For `RateLimited`: how long QuickBooks asked to wait, in ms. */
  readonly retryAfterMs?: number
  readonly cause?: unknown
}

/** The one error type of `@edusync/quickbooks`. Switch on {@link QuickBooksError.reason}. */
export class QuickBooksError extends Error {
  override readonly name = 'QuickBooksError'
  readonly request: { readonly method: string; readonly url: string } | undefined
  readonly status: number | undefined
  readonly code: string | undefined
  readonly element: string | undefined
  readonly faultType: string | undefined
  readonly errors: readonly QuickBooksFaultError[]
  readonly intuitTid: string | undefined
  readonly reconsent: boolean
  readonly retryAfterMs: number | undefined

  constructor(
    /** Why it failed; see {@link QuickBooksErrorReason}. */
    readonly reason: QuickBooksErrorReason,
    message: string,
    options: QuickBooksErrorOptions = {},
  ) {
    super(redact(options.intuitTid ? `${message} (intuit_tid ${options.intuitTid})` : message), {
      cause: options.cause,
    })
    this.request = options.request && { method: options.request.method, url: redact(options.request.url) }
    this.status = options.status
    this.code = options.code
    this.element = options.element
    this.faultType = options.faultType
    this.errors = (options.errors ?? []).map((e) => ({
      ...e,
      message: redact(e.message),
      detail: redact(e.detail),
    }))
    this.intuitTid = options.intuitTid
    this.reconsent = options.reconsent ?? false
    this.retryAfterMs = options.retryAfterMs
  }

  /** Whether the same call may succeed later without a change on our side. */
  get retryable(): boolean {
    return this.reason === 'RateLimited' || this.reason === 'Transport' || this.reason === 'Timeout'
  }
}

const SECRET_PARAMS = /\b(access_token|refresh_token|client_secret|client_id|code|id_token)=([^&\s"]+)/gi
const AUTH_HEADER = /\b(Bearer|Basic)\s+[^\s"',]+/gi
const SECRET_JSON = /("(?:access_token|refresh_token|client_secret|id_token)"\s*:\s*")[^"]*(")/gi

/** Removes tokens and secrets from a string (query parameters, JSON keys, Authorization values). */
export function redact(text: string): string {
  return text
    .replace(SECRET_PARAMS, '$1=[REDACTED]')
    .replace(AUTH_HEADER, '$1 [REDACTED]')
    .replace(SECRET_JSON, '$1[REDACTED]$2')
}
