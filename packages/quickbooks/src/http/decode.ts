import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import type * as z from 'zod'
import { QuickBooksError } from '../errors.ts'
import type { ApiResponse } from './api-client.ts'

/** Checks a parsed body against `schema`; a mismatch is a `Decode` error naming the first issue. */
export function decodeJson<S extends z.ZodType>(
  response: ApiResponse,
  schema: S,
  what: string,
): Result<z.output<S>, QuickBooksError> {
  const parsed = schema.safeParse(response.json)
  if (parsed.success) return ok(parsed.data)
  const first = parsed.error.issues[0]
  return err(
    new QuickBooksError(
      'Decode',
      `QuickBooks answered ${what} with an unexpected body (${first ? `${first.path.join('.') || '(body)'}: ${first.message}` : 'invalid'})`,
      {
        cause: parsed.error,
        status: response.status,
        ...(response.intuitTid ? { intuitTid: response.intuitTid } : {}),
      },
    ),
  )
}
