import type { InputLimits, TenantId } from '@edusync/core'
import { toParseIssues } from '@edusync/core'
import type { HandlerBaseOptions, HandlerContext } from '@edusync/core/handlers'
import { routeTenant } from '@edusync/core/handlers'
import type { WebhookHandler, WebhookReply } from '@edusync/core/webhooks'
import { createWebhookHandler, parseBody, WebhookError } from '@edusync/core/webhooks'
import type { Result, ResultAsync } from 'neverthrow'
import { err, errAsync, ok } from 'neverthrow'
import type * as z from 'zod'
import { MoodleError } from '../errors.ts'

/** Options of {@link createMoodleRequestHandler}. */
export interface MoodleRequestHandlerOptions<S extends z.ZodType> extends HandlerBaseOptions {
  /** Whether the tenant has a Moodle site (404 naming it otherwise). */
  readonly siteConfigured: (tenant: TenantId) => boolean
  /** The JSON body's schema. */
  readonly body: S
  /** What the body is, for the 400's message, e.g. `"a provisioning request"`. */
  readonly describe: string
  /** Runs the request; a `MoodleError` (or a Store failure) becomes its HTTP answer (see {@link moodleWebhookError}). */
  readonly process: (tenant: TenantId, body: z.output<S>) => ResultAsync<WebhookReply, unknown>
  /** Larger bodies are refused with 413. @default 1 MiB */
  readonly maxBodyBytes?: number | undefined
  /** Depth, text length and count limits checked on the body before it is parsed. @default core's `DEFAULT_INPUT_LIMITS` */
  readonly limits?: InputLimits | undefined
}

/**
 * The prelude every host endpoint that calls Moodle shares (course provisioning, user provisioning...):
 * route tenant (404), credentials (401/403), a JSON body checked against `body` (415 unless JSON, 400
 * naming each bad field), the tenant's site (404 without one), then `process`, whose Moodle failures are
 * answered as a sender can act on them (503 with `Retry-After` when Moodle is down).
 *
 * @example
 * ```ts
 * const provision = createMoodleRequestHandler({
 *   knownTenant, authenticate, siteConfigured: (t) => clients.has(t),
 *   body: z.object({ classId: z.string() }), describe: 'a provisioning request',
 *   process: (tenant, { classId }) => provisionCourse(...).map((r) => ({ status: 201, body: r })),
 * })
 * ```
 */
export function createMoodleRequestHandler<S extends z.ZodType>(
  options: MoodleRequestHandlerOptions<S>,
): WebhookHandler<HandlerContext> {
  return createWebhookHandler<z.output<S>, HandlerContext>({
    resolveTenant: routeTenant(options.knownTenant),
    authenticate: options.authenticate,
    maxBodyBytes: options.maxBodyBytes,
    read: (raw, request) =>
      parseBody(raw, request.headers.get('content-type'), options.limits).andThen(
        (body): Result<z.output<S>, WebhookError> => {
          if (body.kind !== 'json') {
            return err(new WebhookError('UnsupportedMediaType', 'send application/json'))
          }
          const parsed = options.body.safeParse(body.value)
          return parsed.success
            ? ok(parsed.data as z.output<S>)
            : err(
                new WebhookError('BadRequest', `not ${options.describe}`, {
                  issues: toParseIssues(parsed.error.issues, body.value),
                }),
              )
        },
      ),
    process: ({ tenant, payload }) => {
      if (!options.siteConfigured(tenant)) {
        return errAsync(new WebhookError('NotFound', `tenant ${tenant} has no Moodle site configured`))
      }
      return options.process(tenant, payload).mapErr(moodleWebhookError)
    },
  })
}

/**
 * A Moodle flow's failure as the HTTP answer: a missing record 404, a refused parameter 400, an existing
 * record 409, Moodle throttled, down or unreachable 503 with `Retry-After: 30`, anything else from Moodle
 * 500. Any other failure is the Store's (503, `Retry-After: 5`).
 */
export function moodleWebhookError(error: unknown): WebhookError {
  if (error instanceof WebhookError) return error
  if (error instanceof MoodleError) {
    switch (error.reason) {
      case 'NotFound':
        return new WebhookError('NotFound', error.message)
      case 'InvalidParameter':
        return new WebhookError('BadRequest', error.message)
      case 'Conflict':
        return new WebhookError('Conflict', error.message)
      case 'RateLimited':
      case 'Unavailable':
      case 'Transport':
      case 'Timeout':
        return new WebhookError('Unavailable', `Moodle: ${error.message}`, { retryAfter: 30 })
      default:
        return new WebhookError('Internal', `Moodle: ${error.message}`)
    }
  }
  return new WebhookError('Unavailable', 'the Store is unavailable', { retryAfter: 5 })
}
