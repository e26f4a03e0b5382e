import ky, { isTimeoutError } from 'ky'
import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'

/** The methods the adapters' APIs use. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** One HTTP request as an adapter's client layer describes it. */
export interface HttpRequest {
  readonly method: HttpMethod
  readonly url: string
  readonly headers?: Readonly<Record<string, string>>
  readonly searchParams?: Readonly<Record<string, string>>
  /** A value sent as JSON (ky serialises it and sets the content type). */
  readonly json?: unknown
  /** A body already serialised: JSON text the caller wrote itself (exact decimals), or a form. */
  readonly body?: string | URLSearchParams
  /**
   * What the call is called in error messages when the URL does not say it: every Moodle function is a
   * POST to one endpoint, so its failures are named by `wsfunction`. Handed to `onFailure` untouched.
   */
  readonly label?: string
}

/** A response with its body read as text; never parsed here (204/304 have no body, errors may be XML). */
export interface RawResponse {
  readonly status: number
  readonly headers: Headers
  readonly body: string
}

/**
 * Why an attempt produced no response. The reasons are the literal `reason`s every adapter's error type
 * has for them, so an adapter's `onFailure` can pass `reason` straight through and `withRetry` can tell
 * these errors apart from the rest.
 */
export interface TransportFailure {
  /** `Timeout`: no answer within `timeoutMs`. `Transport`: DNS, refused or reset connection, TLS, abort. */
  readonly reason: 'Timeout' | 'Transport'
  /** The request as it was given to the transport. */
  readonly request: HttpRequest
  /** The request's URL with its query string ({@link describeUrl}); redact it before logging. */
  readonly url: string
  /** The attempt's time budget. */
  readonly timeoutMs: number
  /** The thrown value's message. */
  readonly detail: string
  /**
   * What ky threw. It holds the `Request`, whose body may carry a credential (Moodle's token travels in
   * the form): an adapter that keeps it on its error must keep only what is safe.
   */
  readonly cause: unknown
}

/** Sends one attempt. Never throws: a timeout or a network failure becomes the adapter's error. */
export type Transport<E> = (request: HttpRequest) => Promise<Result<RawResponse, E>>

/** Options of {@link createTransport}. */
export interface TransportOptions<E> {
  /** Time budget of one attempt, in milliseconds. */
  readonly timeoutMs: number
  /**
   * The fetch to send with, e.g. one over an undici `Agent` with keep-alive pooling, or a test double.
   * @default globalThis.fetch
   */
  readonly fetch?: typeof fetch | undefined
  /** Builds the adapter's error for an attempt that produced no response. */
  readonly onFailure: (failure: TransportFailure) => E
}

/**
 * Builds a {@link Transport} over ky with no retries of its own (they live in {@link withRetry}, which knows
 * whether a call is safe to repeat) and no exceptions for HTTP statuses (an adapter reads its errors from
 * the body, and Moodle's come with status 200).
 */
export function createTransport<E>(options: TransportOptions<E>): Transport<E> {
  const client = ky.create({
    retry: 0,
    throwHttpErrors: false,
    timeout: options.timeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  })
  return async (request) => {
    try {
      const response = await client(request.url, {
        method: request.method,
        ...(request.headers ? { headers: request.headers } : {}),
        ...(request.searchParams ? { searchParams: { ...request.searchParams } } : {}),
        ...(request.json !== undefined ? { json: request.json } : {}),
        ...(request.body !== undefined ? { body: request.body } : {}),
      })
      const body = await response.text()
      return ok({ status: response.status, headers: response.headers, body })
    } catch (cause) {
      return err(
        options.onFailure({
          reason: isTimeoutError(cause) ? 'Timeout' : 'Transport',
          request,
          url: describeUrl(request),
          timeoutMs: options.timeoutMs,
          detail: cause instanceof Error ? cause.message : String(cause),
          cause,
        }),
      )
    }
  }
}

/**
 * The sentence an error message starts with for a {@link TransportFailure}, naming the system that did not
 * answer: "no answer from Zoho within 30000 ms", "could not reach Zoho: fetch failed".
 */
export function failureMessage(failure: TransportFailure, system: string): string {
  return failure.reason === 'Timeout'
    ? `no answer from ${system} within ${failure.timeoutMs} ms`
    : `could not reach ${system}: ${failure.detail}`
}

/** The URL with its query string, for error context (an adapter's error type redacts secrets in it). */
export function describeUrl(request: Pick<HttpRequest, 'url' | 'searchParams'>): string {
  if (!request.searchParams) return request.url
  return `${request.url}?${new URLSearchParams({ ...request.searchParams }).toString()}`
}
