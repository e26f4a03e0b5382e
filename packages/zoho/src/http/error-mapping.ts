import { ZohoError } from '../errors.ts'
import { readErrorBody } from '../schemas/error-body.ts'
import type { RawResponse } from './transport.ts'

const NOT_FOUND_CODES = new Set(['NOT_FOUND', 'INVALID_URL_PATTERN', 'NO_RECORDS_FOUND', 'INVALID_MODULE'])

/** Turns a non-success response into a {@link ZohoError}, keeping Zoho's code and field details. */
export function toZohoError(response: RawResponse, request: { method: string; url: string }): ZohoError {
  const body = readErrorBody(response.body)
  const details = body?.details ?? undefined
  const context = {
    request,
    status: response.status,
    ...(body ? { code: body.code } : {}),
    ...(details ? { details } : {}),
    ...(typeof details?.api_name === 'string' ? { apiName: details.api_name } : {}),
    ...(typeof details?.json_path === 'string' ? { jsonPath: details.json_path } : {}),
  }
  const said = body ? `${body.code}${body.message ? `: ${body.message}` : ''}` : snippet(response.body)
  const where = `${request.method} ${request.url}`
  const status = response.status
  if (status === 401 || status === 403) {
    return new ZohoError('Auth', `Zoho refused the credentials (HTTP ${status} ${said}) on ${where}`, context)
  }
  if (status === 429) {
    return new ZohoError(
      'RateLimited',
      `Zoho rate limit or concurrency limit hit (HTTP 429 ${said}) on ${where}`,
      context,
    )
  }
  if (status === 404 || (body && NOT_FOUND_CODES.has(body.code))) {
    return new ZohoError('NotFound', `not found (HTTP ${status} ${said}) on ${where}`, context)
  }
  if (status >= 500) {
    return new ZohoError('Transport', `Zoho failed (HTTP ${status} ${said}) on ${where}`, context)
  }
  const field = context.apiName
    ? ` (field ${context.apiName}${context.jsonPath ? ` at ${context.jsonPath}` : ''})`
    : ''
  return new ZohoError(
    'Validation',
    `Zoho rejected the request (HTTP ${status} ${said})${field} on ${where}`,
    context,
  )
}

function snippet(text: string): string {
  if (text.length === 0) return 'with an empty body'
  const flat = text.replace(/\s+/g, ' ')
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat
}
