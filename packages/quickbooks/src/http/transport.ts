import ky, { isTimeoutError } from 'ky'
import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import { QuickBooksError } from '../errors.ts'

/** One HTTP request as the client layers describe it. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST'
  readonly url: string
  readonly headers?: Readonly<Record<string, string>>
  readonly searchParams?: Readonly<Record<string, string>>
  /** A body already serialised (JSON text with exact decimal literals, or a form). */
  readonly body?: string | URLSearchParams
}

/** A response with its body read as text (parsed by the caller: it may be JSON, XML or empty). */
export interface RawResponse {
  readonly status: number
  readonly headers: Headers
  readonly body: string
}

/** Sends one attempt; never throws: ky's exceptions become `Timeout`/`Transport` errors here. */
export type Transport = (request: HttpRequest) => Promise<Result<RawResponse, QuickBooksError>>

/** Builds the {@link Transport} over ky, with no retries of its own (they live in `retry.ts`). */
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
        ...(request.body !== undefined ? { body: request.body } : {}),
      })
      return ok({ status: response.status, headers: response.headers, body: await response.text() })
    } catch (cause) {
      if (isTimeoutError(cause)) {
        return err(
          new QuickBooksError('Timeout', `no answer from QuickBooks within ${options.timeoutMs} ms`, {
            request: described,
            cause,
          }),
        )
      }
      const detail = cause instanceof Error ? cause.message : String(cause)
      return err(
        new QuickBooksError('Transport', `could not reach QuickBooks: ${detail}`, {
          request: described,
          cause,
        }),
      )
    }
  }
}

/** The URL with its query string, for error context (redacted by {@link QuickBooksError}). */
export function describeUrl(request: Pick<HttpRequest, 'url' | 'searchParams'>): string {
  if (!request.searchParams) return request.url
  return `${request.url}?${new URLSearchParams({ ...request.searchParams }).toString()}`
}
