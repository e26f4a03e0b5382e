import type { HttpRequest, Transport as HttpTransport, RawResponse } from '@edusync/http'
import { createTransport as createHttpTransport, failureMessage } from '@edusync/http'
import { ZohoError } from '../errors.ts'

export type { HttpRequest, RawResponse }
export { describeUrl } from '@edusync/http'

/** Sends one attempt. Never throws: a timeout or network failure is a `Timeout`/`Transport` {@link ZohoError}. */
export type Transport = HttpTransport<ZohoError>

/** Builds the {@link Transport} of one client over the shared kit (no retries of its own: see `withRetry`). */
export function createTransport(options: { timeoutMs: number; fetch: typeof fetch | undefined }): Transport {
  return createHttpTransport({
    ...options,
    onFailure: (failure) =>
      new ZohoError(failure.reason, failureMessage(failure, 'Zoho'), {
        request: { method: failure.request.method, url: failure.url },
        cause: failure.cause,
      }),
  })
}
