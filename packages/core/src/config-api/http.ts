import type { StoreError } from '../errors/store-error.ts'
import { jsonResponse } from '../webhooks/responses.ts'

/** A JSON error answer: `{ error: { reason, message, ...extra } }`. */
export function problem(
  status: number,
  reason: string,
  message: string,
  extra: Record<string, unknown> = {},
) {
  return jsonResponse(status, { error: { reason, message, ...extra } })
}

/** The ETag of a versioned row. */
export const etag = (version: number) => `"${version}"`

/**
 * The version an update expects, from `If-Match` (`"3"` or `W/"3"`); `0` (create only) when absent.
 * `undefined` when the header is malformed.
 */
export function expectedVersion(request: Request): number | undefined {
  const header = request.headers.get('if-match')
  if (header === null) return 0
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(header.trim())
  return match ? Number(match[1]) : undefined
}

/** Parses a JSON object body, or says why it is not one. */
export function jsonObject(body: Uint8Array): { value: Record<string, unknown> } | { error: Response } {
  if (body.byteLength === 0) return { error: problem(400, 'BadRequest', 'a JSON object body is required') }
  try {
    const value: unknown = JSON.parse(Buffer.from(body).toString('utf8'))
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return { value: value as Record<string, unknown> }
    }
  } catch {
    // Answered below: the message does not echo the body (it may hold secrets).
  }
  return { error: problem(400, 'BadRequest', 'the body must be a JSON object') }
}

/** The answer for a Store failure: 503 when retrying may help, else 500; never the cause's details. */
export function storeProblem(error: StoreError): Response {
  if (error.reason === 'Invalid') return problem(400, 'BadRequest', error.message)
  return error.retryable
    ? jsonResponse(
        503,
        { error: { reason: 'Unavailable', message: 'the registry is unavailable; retry' } },
        { 'retry-after': '5' },
      )
    : problem(500, 'Internal', 'the registry failed')
}

/** The answer for a write refused because the stored version differs. */
export function staleProblem(current: { version: number } | undefined): Response {
  return problem(
    409,
    'Conflict',
    current
      ? `the stored version is ${current.version}; re-read it and send If-Match: "${current.version}"`
      : 'it does not exist (any more); create it without If-Match',
    { currentVersion: current?.version ?? null },
  )
}
