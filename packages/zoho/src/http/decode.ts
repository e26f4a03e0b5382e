import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import type * as z from 'zod'
import { ZohoError } from '../errors.ts'
import type { RawResponse } from './transport.ts'

/** Parses a response body as JSON and checks it against `schema`; any mismatch is a `Decode` error. */
export function decodeBody<S extends z.ZodType>(
  response: RawResponse,
  schema: S,
  request: { method: string; url: string },
): Result<z.output<S>, ZohoError> {
  let json: unknown
  try {
    json = JSON.parse(response.body)
  } catch (cause) {
    return err(
      new ZohoError('Decode', `Zoho answered HTTP ${response.status} with a body that is not JSON`, {
        request,
        status: response.status,
        cause,
      }),
    )
  }
  const parsed = schema.safeParse(json)
  if (parsed.success) return ok(parsed.data)
  const first = parsed.error.issues[0]
  return err(
    new ZohoError(
      'Decode',
      `Zoho answered HTTP ${response.status} with an unexpected body (${first ? `${first.path.join('.') || '(body)'}: ${first.message}` : 'invalid'})`,
      { request, status: response.status, cause: parsed.error },
    ),
  )
}
