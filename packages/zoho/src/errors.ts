/**
 * Why a Zoho call failed:
 * - `Auth`: the token endpoint refused the refresh token (`{"error":"invalid_code"}`), or the API kept
 *   answering 401/403 (`INVALID_TOKEN`, `AUTHENTICATION_FAILURE`, `OAUTH_SCOPE_MISMATCH`, `NO_PERMISSION`)
 *   after one refresh.
 * - `RateLimited`: HTTP 429 (`TOO_MANY_REQUESTS`: credits or concurrency) after every retry.
 * - `NotFound`: the record, module or URL does not exist (404, or 204 for a single record).
 * - `Validation`: Zoho rejected the request's data (`INVALID_DATA`, `MANDATORY_NOT_FOUND`, `DUPLICATE_DATA`,
 *   ...); {@link ZohoError.code}, {@link ZohoError.apiName} and {@link ZohoError.jsonPath} say where.
 * - `Transport`: the network failed or Zoho answered 5xx after every retry.
 * - `Timeout`: no answer within the configured timeout.
 * - `Decode`: a body that is not what Zoho documents (not JSON, wrong shape), or a webhook body we cannot
 *   read (e.g. an unsubstituted `${!...}` template).
 * - `Store`: the TokenStore failed where a write must not be lost (`replaceZohoRefreshToken`).
 */
export type ZohoErrorReason =
  | 'Auth'
  | 'RateLimited'
  | 'NotFound'
  | 'Validation'
  | 'Transport'
  | 'Timeout'
  | 'Decode'
  | 'Store'

/** Context of a {@link ZohoError}; every string in it is already redacted. */
export interface ZohoErrorOptions {
  /** The request, redacted (no tokens, no secrets). */
  readonly request?: { readonly method: string; readonly url: string }
  /** HTTP status of the last response, when there was one. */
  readonly status?: number
  /** Zoho's error `code`, e.g. `"INVALID_DATA"`, or the token endpoint's `error`, e.g. `"invalid_code"`. */
  readonly code?: string
  /** Zoho's `details.api_name`: the field at fault. */
  readonly apiName?: string
  /** Zoho's `details.json_path`, e.g. `"$.data[0].Last_Name"`. */
  readonly jsonPath?: string
  /** Zoho's `details` object, as received. */
  readonly details?: Readonly<Record<string, unknown>>
  readonly cause?: unknown
}

/** The one error type of `@edusync/zoho`. Switch on {@link ZohoError.reason}. */
export class ZohoError extends Error {
  override readonly name = 'ZohoError'
  readonly request: { readonly method: string; readonly url: string } | undefined
  readonly status: number | undefined
  readonly code: string | undefined
  readonly apiName: string | undefined
  readonly jsonPath: string | undefined
  readonly details: Readonly<Record<string, unknown>> | undefined

  constructor(
    /** Why it failed; see {@link ZohoErrorReason}. */
    readonly reason: ZohoErrorReason,
    message: string,
    options: ZohoErrorOptions = {},
  ) {
    super(redact(message), { cause: options.cause })
    this.request = options.request && { method: options.request.method, url: redact(options.request.url) }
    this.status = options.status
    this.code = options.code
    this.apiName = options.apiName
    this.jsonPath = options.jsonPath
    this.details = options.details
  }

  /** Whether the same call may succeed later without a change on our side. */
  get retryable(): boolean {
    return this.reason === 'RateLimited' || this.reason === 'Transport' || this.reason === 'Timeout'
  }
}

const SECRET_PARAMS = /\b(access_token|refresh_token|client_secret|client_id|code|token)=([^&\s"]+)/gi
const AUTH_HEADER = /(Zoho-oauthtoken|Bearer)\s+[^\s"',]+/gi
const SECRET_JSON = /("(?:access_token|refresh_token|client_secret)"\s*:\s*")[^"]*(")/gi

/** Removes tokens and secrets from a string (query parameters, JSON keys, Authorization values). */
export function redact(text: string): string {
  return text
    .replace(SECRET_PARAMS, '$1=[REDACTED]')
    .replace(AUTH_HEADER, '$1 [REDACTED]')
    .replace(SECRET_JSON, '$1[REDACTED]$2')
}
