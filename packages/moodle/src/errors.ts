/**
 * Why a Moodle call (or a step of a Moodle flow) failed. Moodle answers almost every failure with HTTP 200
 * and an error body, so the reason comes from the body's `errorcode`, never from the status:
 * - `InvalidToken`: `invalidtoken` (unknown or missing `wstoken`).
 * - `AccessDenied`: `accessexception` (function not in the token's service, expired token, IP restriction,
 *   no `webservice/rest:use`), `nopermissions`, `restrictedcontextexception`, `requireloginerror`,
 *   `wsaccessuser*`, HTTP 403 (web services disabled), an HTML login page, or a preflight that found
 *   functions the token may not call ({@link MoodleError.missingFunctions}).
 * - `InvalidParameter`: `invalidparameter` (Moodle's useful text is only in {@link MoodleError.debugInfo},
 *   and only when the site has debugging on), `codingerror`, a password policy failure.
 * - `NotFound`: `invalidrecord`, `invaliduser`, `invalidcourseid`, `wsnoinstance`, ... (a record or the
 *   function itself does not exist).
 * - `Conflict`: the record already exists (`shortnametaken`, `courseidnumbertaken`, `usernameexists`,
 *   `emailexists`).
 * - `RateLimited`: HTTP 429 or 503 after every retry (a proxy in front of Moodle throttling us).
 * - `Unavailable`: the site is in maintenance (`sitemaintenance`) or answered 5xx after every retry.
 * - `Failed`: any other exception Moodle raised (including PHP engine errors such as `TypeError`, which
 *   carry no `errorcode`).
 * - `Transport`: the network failed.
 * - `Timeout`: no answer within the configured timeout (a write may still have happened).
 * - `Decode`: a body that is neither a documented result nor a documented error.
 */
export type MoodleErrorReason =
  | 'InvalidToken'
  | 'AccessDenied'
  | 'InvalidParameter'
  | 'NotFound'
  | 'Conflict'
  | 'RateLimited'
  | 'Unavailable'
  | 'Failed'
  | 'Transport'
  | 'Timeout'
  | 'Decode'

/** Context of a {@link MoodleError}; every string in it is redacted. */
export interface MoodleErrorOptions {
  /** The web service function called, e.g. `core_user_create_users`. */
  readonly wsfunction?: string
  /** HTTP status of the last response, when there was one. */
  readonly status?: number
  /** Moodle's `errorcode`, e.g. `shortnametaken`. */
  readonly errorCode?: string
  /** Moodle's `exception` class, e.g. `core\exception\moodle_exception` (4.5) or `moodle_exception` (4.1). */
  readonly exception?: string
  /** Moodle's `debuginfo` (present only when the site has debugging enabled). */
  readonly debugInfo?: string
  /** Preflight: functions the flows need that the token may not call. */
  readonly missingFunctions?: readonly string[]
  readonly cause?: unknown
}

/** The one error type of `@edusync/moodle`. Switch on {@link MoodleError.reason}. */
export class MoodleError extends Error {
  override readonly name = 'MoodleError'
  readonly wsfunction: string | undefined
  readonly status: number | undefined
  readonly errorCode: string | undefined
  readonly exception: string | undefined
  readonly debugInfo: string | undefined
  readonly missingFunctions: readonly string[] | undefined

  constructor(
    /** Why it failed; see {@link MoodleErrorReason}. */
    readonly reason: MoodleErrorReason,
    message: string,
    options: MoodleErrorOptions = {},
  ) {
    super(redact(message), { cause: options.cause })
    this.wsfunction = options.wsfunction
    this.status = options.status
    this.errorCode = options.errorCode
    this.exception = options.exception
    this.debugInfo = options.debugInfo === undefined ? undefined : redact(options.debugInfo)
    this.missingFunctions = options.missingFunctions
  }

  /** Whether the same call may succeed later without a change on our side. */
  get retryable(): boolean {
    return (
      this.reason === 'RateLimited' ||
      this.reason === 'Unavailable' ||
      this.reason === 'Transport' ||
      this.reason === 'Timeout'
    )
  }
}

const TOKEN_PARAM = /\b(wstoken|token|privatetoken|password)=([^&\s"']+)/gi
const TOKEN_JSON = /("(?:wstoken|token|privatetoken|password)"\s*:\s*")[^"]*(")/gi
const BEARER = /(Bearer)\s+[^\s"',]+/gi

/** Removes tokens and passwords from a string (query/form parameters, JSON keys, bearer values). */
export function redact(text: string): string {
  return text
    .replace(TOKEN_PARAM, '$1=[REDACTED]')
    .replace(TOKEN_JSON, '$1[REDACTED]$2')
    .replace(BEARER, '$1 [REDACTED]')
}
