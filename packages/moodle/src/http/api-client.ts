import { createLimiter, withRetry } from '@edusync/http'
import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import type * as z from 'zod'
import type { ResolvedMoodleConfig } from '../config.ts'
import { MoodleError } from '../errors.ts'
import { jsonError, xmlError } from './error-mapping.ts'
import type { WsValue } from './flatten.ts'
import { flattenArgs } from './flatten.ts'
import type { RawResponse } from './transport.ts'
import { createTransport } from './transport.ts'

/** Options of one web service call. */
export interface WsCallOptions {
  /**
   * Whether repeating the call after a lost answer is harmless (reads, updates, re-enrolments). Only
   * such calls are retried after 5xx, timeouts and network failures. @default false
   */
  readonly idempotent?: boolean
}

/**
 * Calls one web service function and checks its result against `schema`. Every failure, whatever HTTP
 * status it came with, is a {@link MoodleError}.
 */
export type WsCall = <S extends z.ZodType>(
  wsfunction: string,
  args: Readonly<Record<string, WsValue>>,
  schema: S,
  options?: WsCallOptions,
) => ResultAsync<z.output<S>, MoodleError>

/** Builds the {@link WsCall} of one client: one concurrency cap, one retry policy, one token. */
export function createApiClient(config: ResolvedMoodleConfig): WsCall {
  const transport = createTransport(config)
  const limiter = createLimiter(config.concurrency)
  return (wsfunction, args, schema, options = {}) => {
    const form = new URLSearchParams([
      ['wstoken', config.token],
      ['wsfunction', wsfunction],
      ['moodlewsrestformat', 'json'],
      ...flattenArgs(args),
    ])
    const run = async () => {
      const sent = await limiter.run(() =>
        withRetry(() => transport(wsfunction, form), config.retry, {
          idempotent: options.idempotent ?? false,
        }),
      )
      return sent.andThen((response) => decodeResponse(response, wsfunction, schema))
    }
    return new ResultAsync(run())
  }
}

const HTML = /^\s*(<!doctype html|<html)/i

/** Turns one response into the function's result or the {@link MoodleError} its body (or status) says. */
export function decodeResponse<S extends z.ZodType>(
  response: RawResponse,
  wsfunction: string,
  schema: S,
): Result<z.output<S>, MoodleError> {
  const { status, body } = response
  const context = { wsfunction, status }
  const trimmed = body.trimStart()
  if (trimmed.startsWith('<')) {
    const fromXml = xmlError(trimmed, wsfunction, status)
    if (fromXml) return err(fromXml)
    if (HTML.test(trimmed) && /login\/index\.php|id="login"|loginform/i.test(trimmed)) {
      return err(
        new MoodleError(
          'AccessDenied',
          `${wsfunction}: Moodle answered with its login page (HTTP ${status}): the URL is not the REST endpoint, or web services are off`,
          context,
        ),
      )
    }
    return err(byStatus(status, wsfunction) ?? decodeError(status, wsfunction, 'an HTML or XML page'))
  }
  if (body.length === 0) {
    if (status === 403) {
      return err(
        new MoodleError(
          'AccessDenied',
          `${wsfunction}: HTTP 403: web services or the REST protocol are disabled`,
          context,
        ),
      )
    }
    return err(byStatus(status, wsfunction) ?? decodeError(status, wsfunction, 'an empty body'))
  }
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch (cause) {
    return err(
      byStatus(status, wsfunction) ?? decodeError(status, wsfunction, 'a body that is not JSON', cause),
    )
  }
  const moodleError = jsonError(json, wsfunction, status)
  if (moodleError) return err(moodleError)
  const failed = byStatus(status, wsfunction)
  if (failed) return err(failed)
  const parsed = schema.safeParse(json)
  if (parsed.success) return ok(parsed.data)
  const first = parsed.error.issues[0]
  const where = first ? `${first.path.join('.') || '(body)'}: ${first.message}` : 'invalid'
  return err(
    new MoodleError('Decode', `${wsfunction}: unexpected result (${where})`, {
      ...context,
      cause: parsed.error,
    }),
  )
}

function byStatus(status: number, wsfunction: string): MoodleError | undefined {
  if (status === 429)
    return new MoodleError('RateLimited', `${wsfunction}: HTTP 429 Too Many Requests`, { wsfunction, status })
  if (status === 401 || status === 403) {
    return new MoodleError('AccessDenied', `${wsfunction}: HTTP ${status}`, { wsfunction, status })
  }
  if (status === 404) {
    return new MoodleError('NotFound', `${wsfunction}: HTTP 404: no REST endpoint at this URL`, {
      wsfunction,
      status,
    })
  }
  if (status >= 500)
    return new MoodleError('Unavailable', `${wsfunction}: HTTP ${status}`, { wsfunction, status })
  if (status >= 400) return new MoodleError('Failed', `${wsfunction}: HTTP ${status}`, { wsfunction, status })
  return undefined
}

const decodeError = (status: number, wsfunction: string, what: string, cause?: unknown) =>
  new MoodleError('Decode', `${wsfunction}: Moodle answered HTTP ${status} with ${what}`, {
    wsfunction,
    status,
    cause,
  })
