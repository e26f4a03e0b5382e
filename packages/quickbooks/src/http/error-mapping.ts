import type { QuickBooksErrorReason } from '../errors.ts'
import { QuickBooksError } from '../errors.ts'
import type { ParsedFault } from './fault.ts'
import { readFault } from './fault.ts'
import type { RawResponse } from './transport.ts'

const AUTH_CODES = new Set(['3200', '100', '3100', '120', '3201', '3202'])
const AUTH_TYPES = new Set(['AUTHENTICATION', 'AUTHORIZATION', 'AUTHENTICATIONFAULT', 'AUTHORIZATIONFAULT'])

/** The reason a fault (with the HTTP status it came with) stands for. */
export function reasonOf(status: number, fault: ParsedFault | undefined): QuickBooksErrorReason {
  const code = fault?.errors[0]?.code
  const type = fault?.type?.toUpperCase()
  if (code === '5010') return 'StaleObject'
  if (code === '6240') return 'Duplicate'
  if (status === 429 || code === '3001') return 'RateLimited'
  if (status === 401 || status === 403 || (code && AUTH_CODES.has(code)) || (type && AUTH_TYPES.has(type)))
    return 'Auth'
  if (status === 404 || code === '610') return 'NotFound'
  if (status >= 500 || type === 'SYSTEMFAULT') return 'Transport'
  return 'Validation'
}

/** Builds the error for a fault, keeping every fault error, the code, element and `intuit_tid`. */
export function faultError(
  fault: ParsedFault,
  context: { status: number; request: { method: string; url: string }; intuitTid?: string | undefined },
): QuickBooksError {
  const first = fault.errors[0]
  const reason = reasonOf(context.status, fault)
  const said = first
    ? `${first.code || '?'} ${first.message}${first.detail ? `: ${first.detail}` : ''}${first.element ? ` (element ${first.element})` : ''}`
    : `${fault.type ?? 'fault'} without error items`
  return new QuickBooksError(
    reason,
    `QuickBooks ${describe(reason)} (HTTP ${context.status} ${fault.type ?? 'Fault'} ${said}) on ${context.request.method} ${context.request.url}`,
    {
      request: context.request,
      status: context.status,
      errors: fault.errors,
      ...(first?.code ? { code: first.code } : {}),
      ...(first?.element ? { element: first.element } : {}),
      ...(fault.type ? { faultType: fault.type } : {}),
      ...(context.intuitTid ? { intuitTid: context.intuitTid } : {}),
    },
  )
}

/** Turns a non-success response into a {@link QuickBooksError} (JSON, lower-case JSON, XML or no fault). */
export function toQuickBooksError(
  response: RawResponse,
  request: { method: string; url: string },
): QuickBooksError {
  const intuitTid = response.headers.get('intuit_tid') ?? undefined
  const fault = readFault(response.body)
  if (fault) return faultError(fault, { status: response.status, request, intuitTid })
  const reason = reasonOf(response.status, undefined)
  return new QuickBooksError(
    reason,
    `QuickBooks ${describe(reason)} (HTTP ${response.status} ${snippet(response.body)}) on ${request.method} ${request.url}`,
    { request, status: response.status, ...(intuitTid ? { intuitTid } : {}) },
  )
}

function describe(reason: QuickBooksErrorReason): string {
  switch (reason) {
    case 'Auth':
      return 'refused the credentials'
    case 'RateLimited':
      return 'throttled the request'
    case 'StaleObject':
      return 'refused a stale SyncToken'
    case 'Duplicate':
      return 'reported a duplicate name'
    case 'NotFound':
      return 'found no such object'
    case 'Transport':
      return 'failed'
    case 'Validation':
      return 'rejected the request'
    case 'Timeout':
      return 'did not answer in time'
    case 'Decode':
      return 'answered with an unreadable body'
    case 'Store':
      return 'call could not record its state'
    default:
      return reason satisfies never
  }
}

function snippet(text: string): string {
  if (text.length === 0) return 'with an empty body'
  const flat = text.replace(/\s+/g, ' ')
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat
}
