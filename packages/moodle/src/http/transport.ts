import ky, { isTimeoutError } from 'ky'
import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import { MoodleError } from '../errors.ts'

/** A response with its body read as text (parsed by the caller: Moodle errors hide in 200 bodies). */
export interface RawResponse {
  readonly status: number
  readonly contentType: string
  readonly body: string
}

/** Sends one form-encoded POST. Never throws: ky's exceptions become `Timeout`/`Transport` errors here. */
export type Transport = (
  wsfunction: string,
  form: URLSearchParams,
) => Promise<Result<RawResponse, MoodleError>>

/**
 * Builds the {@link Transport} over ky with no retries of its own (retries live in `retry.ts`). The token
 * travels in the POST body, never in the URL, so no URL that a proxy or a log records carries it.
 */
export function createTransport(options: {
  endpoint: string
  timeoutMs: number
  fetch: typeof fetch | undefined
}): Transport {
  const client = ky.create({
    retry: 0,
    throwHttpErrors: false,
    timeout: options.timeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  })
  return async (wsfunction, form) => {
    try {
      const response = await client.post(options.endpoint, {
        body: form,
        headers: { accept: 'application/json' },
      })
      const body = await response.text()
      return ok({ status: response.status, contentType: response.headers.get('content-type') ?? '', body })
    } catch (thrown) {
      // ky's errors hold the Request, whose body carries the token: only their name and message are kept.
      const cause =
        thrown instanceof Error ? new Error(thrown.message, { cause: { name: thrown.name } }) : thrown
      if (isTimeoutError(thrown)) {
        return err(
          new MoodleError('Timeout', `${wsfunction}: no answer from Moodle within ${options.timeoutMs} ms`, {
            wsfunction,
            cause,
          }),
        )
      }
      const detail = thrown instanceof Error ? thrown.message : String(thrown)
      return err(
        new MoodleError('Transport', `${wsfunction}: could not reach Moodle: ${detail}`, {
          wsfunction,
          cause,
        }),
      )
    }
  }
}
