import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import type { TokenManager } from '../auth/token-manager.ts'
import type { ResolvedQuickBooksConfig } from '../config.ts'
import { MINOR_VERSION } from '../config.ts'
import { QuickBooksError } from '../errors.ts'

import { faultError, toQuickBooksError } from './error-mapping.ts'
import { faultFromJson as faultOfJson, readFault } from './fault.ts'
import type { RealmLimiter } from './limiter.ts'
import { requestIdOf } from './request-id.ts'
import { withRetry } from './retry.ts'
import type { HttpRequest, RawResponse, Transport } from './transport.ts'
import { describeUrl } from './transport.ts'

/** A call to the Accounting API of the client's realm. */
export interface ApiRequest {
  readonly method: 'GET' | 'POST'
  /** Path after `/v3/company/{realmId}`, e.g. `/customer`, `/query`, `/batch`. */
  readonly path: string
  readonly searchParams?: Readonly<Record<string, string>>
  /** A JSON body, already serialised (see `jsonBody`). */
  readonly body?: string
  /**
   * For writes: send a deterministic `requestid` derived from the request (the default for POST), or
   * this explicit one, or none (`false`).
   */
  readonly requestId?: string | false
  /** Metered as a batch call (40 per minute) as well as a request. @default 'request' */
  readonly kind?: 'request' | 'batch'
}

/** A successful answer: the parsed JSON body and the `intuit_tid`. */
export interface ApiResponse {
  readonly status: number
  readonly json: unknown
  readonly intuitTid: string | undefined
}

/** Sends an {@link ApiRequest}; resolves with 2xx bodies that carry no fault, everything else is an error. */
export type ApiCall = (request: ApiRequest) => ResultAsync<ApiResponse, QuickBooksError>

/** Creates the authenticated, limited, retrying call of one realm. */
export function createApiCall(
  config: ResolvedQuickBooksConfig,
  transport: Transport,
  tokens: TokenManager,
  limiter: RealmLimiter,
): ApiCall {
  const base = `${config.baseUrl}/v3/company/${config.realmId}`

  async function send(request: ApiRequest): Promise<Result<ApiResponse, QuickBooksError>> {
    const requestId =
      request.requestId === false
        ? undefined
        : (request.requestId ??
          (request.method === 'POST' ? requestIdOf('POST', request.path, request.body ?? '') : undefined))
    const searchParams: Record<string, string> = { ...request.searchParams, minorversion: MINOR_VERSION }
    if (requestId) searchParams.requestid = requestId
    const idempotent = request.method === 'GET' || requestId !== undefined
    for (let refreshed = false; ; refreshed = true) {
      const token = await tokens.get()
      if (token.isErr()) return err(token.error)
      const http: HttpRequest = {
        method: request.method,
        url: `${base}${request.path}`,
        searchParams,
        headers: {
          Authorization: `Bearer ${token.value}`,
          Accept: 'application/json',
          ...(request.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        ...(request.body !== undefined ? { body: request.body } : {}),
      }
      // The limiter is held per attempt, not across retry waits, so waiting calls can use the slot.
      const result = await withRetry(
        () => limiter.run(request.kind ?? 'request', () => transport(http)),
        config.retry,
        idempotent,
        config.sleep,
      )
      if (result.isErr()) return err(result.error)
      const response = result.value
      const described = { method: request.method, url: describeUrl(http) }
      if (response.status === 401 && !refreshed) {
        tokens.invalidate(token.value)
        continue
      }
      if (response.status < 200 || response.status >= 300) return err(toQuickBooksError(response, described))
      return decode(response, described)
    }
  }

  return (request) => new ResultAsync(send(request))
}

/** Parses a 2xx body; a Fault inside a 200 (query, some writes) is an error like any other. */
function decode(
  response: RawResponse,
  request: { method: string; url: string },
): Result<ApiResponse, QuickBooksError> {
  const intuitTid = response.headers.get('intuit_tid') ?? undefined
  let json: unknown
  try {
    json = JSON.parse(response.body)
  } catch (cause) {
    const fault = readFault(response.body)
    if (fault) return err(faultError(fault, { status: response.status, request, intuitTid }))
    return err(
      new QuickBooksError(
        'Decode',
        `QuickBooks answered HTTP ${response.status} with a body that is not JSON`,
        {
          request,
          status: response.status,
          cause,
          ...(intuitTid ? { intuitTid } : {}),
        },
      ),
    )
  }
  const fault = faultOfJson(json)
  if (fault) return err(faultError(fault, { status: response.status, request, intuitTid }))
  return ok({ status: response.status, json, intuitTid })
}
