import ky, { isTimeoutError } from 'ky'
import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import { ZohoError } from '../errors.ts'

/** One HTTP request as the client layers describe it. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  readonly url: string
  readonly headers?: Readonly<Record<string, string>>
  readonly searchParams?: Readonly<Record<string, string>>
  readonly json?: unknown
  readonly form?: URLSearchParams
}

/** A response with its body read as text (never parsed here: 204/304 have no body). */
export interface RawResponse {
  readonly status: number
  readonly headers: Headers
  readonly body: string
}

/** Sends one attempt. Never throws: ky's exceptions become `Timeout`/`Transport` errors at this edge. */
export type Transport = (request: HttpRequest) => Promise<Result<RawResponse, ZohoError>>

/** Builds the {@link Transport} over ky with no retries of its own (retries live in `retry.ts`). */
export function createTransport(options: { timeoutMs: number; fetch: typeof fetch | undefined }): Transport {
  const client = ky.create({
    retry: 0,
    throwHttpErrors: false,
    timeout: options.timeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  })
  return async (request) => {
    const described = { method: request.method, url: describeUrl(request) }
    try {
      const response = await client(request.url, {
        method: request.method,
        ...(request.headers ? { headers: request.headers } : {}),
        ...(request.searchParams ? { searchParams: { ...request.searchParams } } : {}),
        ...(request.json !== undefined ? { json: request.json } : {}),
        ...(request.form ? { body: request.form } : {}),
      })
      const body = await response.text()
      return ok({ status: response.status, headers: response.headers, body })
    } catch (cause) {
      if (isTimeoutError(cause)) {
        return err(
          new ZohoError('Timeout', `no answer from Zoho within ${options.timeoutMs} ms`, {
            request: described,
            cause,
          }),
        )
      }
      const detail = cause instanceof Error ? cause.message : String(cause)
      return err(new ZohoError('Transport', `could not reach Zoho: ${detail}`, { request: described, cause }))
    }
  }
}

/** The URL with its query string, for error context (redacted by {@link ZohoError}). */
export function describeUrl(request: Pick<HttpRequest, 'url' | 'searchParams'>): string {
  if (!request.searchParams) return request.url
  return `${request.url}?${new URLSearchParams({ ...request.searchParams }).toString()}`
}
