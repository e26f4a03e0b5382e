import { createLimiter, withRetry } from '@edusync/http'
import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import type { TokenManager } from '../auth/token-manager.ts'
import { createTokenManager } from '../auth/token-manager.ts'
import type { ResolvedZohoConfig } from '../config.ts'
import type { ZohoError } from '../errors.ts'
import { readErrorBody } from '../schemas/error-body.ts'
import { toZohoError } from './error-mapping.ts'
import type { HttpRequest, RawResponse } from './transport.ts'
import { createTransport, describeUrl } from './transport.ts'

/** A call to the CRM API, relative to the token's `api_domain`. */
export interface ApiRequest {
  readonly method: HttpRequest['method']
  /** Path starting with `/crm/`, e.g. `/crm/v8/BTEC_Students`. */
  readonly path: string
  readonly searchParams?: Readonly<Record<string, string>>
  readonly json?: unknown
  readonly headers?: Readonly<Record<string, string>>
  /** Whether repeating the call is harmless (so 5xx/timeouts are retried). @default method !== 'POST' */
  readonly idempotent?: boolean
  /** Extra statuses handed back as responses, e.g. 400 for a write whose every item failed. */
  readonly acceptStatus?: readonly number[]
}

/** Sends an {@link ApiRequest}; resolves with 2xx and 304 responses, every other outcome is an error. */
export type ApiCall = (request: ApiRequest) => ResultAsync<RawResponse, ZohoError>

// Zoho intermittently answers AUTHENTICATION_FAILURE instead of INVALID_TOKEN for an expired token.
const REFRESHABLE = new Set(['INVALID_TOKEN', 'AUTHENTICATION_FAILURE', 'AUTHENTICATION_FAILED'])

/** The authenticated, rate-limited, retrying HTTP layer every resource goes through. */
export interface ApiClient {
  readonly call: ApiCall
  readonly tokens: TokenManager
}

/** Creates the {@link ApiClient} of one Zoho client. */
export function createApiClient(config: ResolvedZohoConfig): ApiClient {
  const transport = createTransport({ timeoutMs: config.timeoutMs, fetch: config.fetch })
  const tokens = createTokenManager(config, transport)
  const limiter = createLimiter(config.concurrency)

  async function send(request: ApiRequest): Promise<Result<RawResponse, ZohoError>> {
    const idempotent = request.idempotent ?? request.method !== 'POST'
    for (let refreshed = false; ; refreshed = true) {
      const token = await tokens.get()
      if (token.isErr()) return err(token.error)
      const base = config.apiDomain ?? token.value.apiDomain
      const http: HttpRequest = {
        method: request.method,
        url: `${base}${request.path}`,
        headers: { ...request.headers, Authorization: `Zoho-oauthtoken ${token.value.accessToken}` },
        ...(request.searchParams ? { searchParams: request.searchParams } : {}),
        ...(request.json !== undefined ? { json: request.json } : {}),
      }
      // The limiter is held per attempt, not across backoff sleeps, so waiting calls can use the slot.
      const result = await withRetry(() => limiter.run(() => transport(http)), config.retry, { idempotent })
      if (result.isErr()) return result
      const response = result.value
      if (response.status === 401 && !refreshed) {
        const code = readErrorBody(response.body)?.code
        if (code === undefined || REFRESHABLE.has(code)) {
          tokens.invalidate(token.value.accessToken)
          continue
        }
      }
      const accepted =
        (response.status >= 200 && response.status < 300) ||
        response.status === 304 ||
        request.acceptStatus?.includes(response.status) === true
      if (accepted) return ok(response)
      // Described only on failure: building the query string again for every page of a bulk read is waste.
      return err(toZohoError(response, { method: request.method, url: describeUrl(http) }))
    }
  }

  return { call: (request) => new ResultAsync(send(request)), tokens }
}
