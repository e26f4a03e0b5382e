import type { HttpRequest, Transport as HttpTransport, RawResponse } from '@edusync/http'
import { createTransport as createHttpTransport, failureMessage } from '@edusync/http'
import { QuickBooksError } from '../errors.ts'

export type { HttpRequest, RawResponse }
export { describeUrl } from '@edusync/http'

/** Sends one attempt; never throws: a timeout or network failure is a `Timeout`/`Transport` error. */
export type Transport = HttpTransport<QuickBooksError>

/** Builds the {@link Transport} over the shared kit, with no retries of its own (see `withRetry`). */
export function createTransport(options: { timeoutMs: number; fetch: typeof fetch | undefined }): Transport {
  return createHttpTransport({
    ...options,
    onFailure: (failure) =>
      new QuickBooksError(failure.reason, failureMessage(failure, 'QuickBooks'), {
        request: { method: failure.request.method, url: failure.url },
        cause: failure.cause,
      }),
  })
}
