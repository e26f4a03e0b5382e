import type { HandlerContext } from '@edusync/core/handlers'
import { routeTenant } from '@edusync/core/handlers'
import type { ParsedBody, WebhookHandler } from '@edusync/core/webhooks'
import { createWebhookHandler, parseBody, WebhookError } from '@edusync/core/webhooks'
import { MoodleError } from '@edusync/moodle'
import { err, errAsync, ok } from 'neverthrow'
import * as z from 'zod'
import { apiAuth } from '../auth.ts'
import type { HostConfig } from '../config.ts'
import { tenantOf } from '../context.ts'
import { zodIssues } from '../issues.ts'
import type { MoodleSide } from './moodle-side.ts'

const provisionRequest = z.object({
  classId: z.string().trim().min(1).max(200),
  /** Students enrolled in the class already (a class activated later): enrolled in bulk. */
  studentIds: z.array(z.string().trim().min(1).max(200)).max(10_000).default([]),
})

type ProvisionRequest = z.output<typeof provisionRequest>

/**
 * `POST /api/:tenant/moodle/courses` (`Authorization: Bearer <apiToken>`, body `{classId, studentIds?}`):
 * provisions the class's Moodle course (found by link or idnumber first, so a retry never makes a second
 * course), enrols teacher, default users and students, and writes the course id to Zoho's
 * `Moodle_Class_ID` when the tenant has Zoho credentials.
 */
export function moodleProvisionHandler(
  config: HostConfig,
  moodle: MoodleSide,
): WebhookHandler<HandlerContext> {
  return createWebhookHandler<ProvisionRequest, HandlerContext>({
    resolveTenant: routeTenant((t) => tenantOf(config, t) !== undefined),
    authenticate: apiAuth(config),
    maxBodyBytes: config.MAX_BODY_BYTES,
    read: (body, request) => parseBody(body, request.headers.get('content-type')).andThen(readRequest),
    process: ({ tenant, payload }) => {
      if (!tenantOf(config, tenant)?.moodle) {
        return errAsync(new WebhookError('NotFound', `tenant ${tenant} has no Moodle site configured`))
      }
      return moodle
        .provision(tenant, payload.classId, payload.studentIds)
        .map((result) => ({ status: result.created ? 201 : 200, body: result }))
        .mapErr(moodleWebhookError)
    },
  })
}

function readRequest(body: ParsedBody) {
  if (body.kind !== 'json') return err(new WebhookError('UnsupportedMediaType', 'send application/json'))
  const parsed = provisionRequest.safeParse(body.value)
  return parsed.success
    ? ok(parsed.data)
    : err(
        new WebhookError('BadRequest', 'not a provisioning request', {
          issues: zodIssues(parsed.error, body.value),
        }),
      )
}

/** A Moodle flow's failure as the HTTP answer (Moodle or network trouble: 503 with Retry-After). */
export function moodleWebhookError(error: unknown): WebhookError {
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
