import type { RawResponse } from '@edusync/http'
import { createTransport as createHttpTransport, failureMessage } from '@edusync/http'
import type { Result } from 'neverthrow'
import { MoodleError } from '../errors.ts'

export type { RawResponse }

/** Sends one form-encoded POST. Never throws: a timeout or network failure is a `Timeout`/`Transport` error. */
export type Transport = (
  wsfunction: string,
  form: URLSearchParams,
) => Promise<Result<RawResponse, MoodleError>>

/**
 * Builds the {@link Transport} over the shared kit (no retries of its own: see `withRetry`). The token
 * travels in the POST body, never in the URL, so no URL that a proxy or a log records carries it.
 */
export function createTransport(options: {
  endpoint: string
  timeoutMs: number
  fetch: typeof fetch | undefined
}): Transport {
  const send = createHttpTransport({
    timeoutMs: options.timeoutMs,
    fetch: options.fetch,
    onFailure: (failure) => {
      const wsfunction = failure.request.label ?? ''
      const thrown = failure.cause
      // ky's errors hold the Request, whose body carries the token: only their name and message are kept.
      const cause =
        thrown instanceof Error ? new Error(thrown.message, { cause: { name: thrown.name } }) : thrown
      return new MoodleError(failure.reason, `${wsfunction}: ${failureMessage(failure, 'Moodle')}`, {
        wsfunction,
        cause,
      })
    },
  })
  return (wsfunction, form) =>
    send({
      method: 'POST',
      url: options.endpoint,
      body: form,
      headers: { accept: 'application/json' },
      label: wsfunction,
    })
}
