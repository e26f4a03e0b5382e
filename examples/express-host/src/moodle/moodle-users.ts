import type { HandlerContext } from '@edusync/core/handlers'
import { routeTenant } from '@edusync/core/handlers'
import type { ParsedBody, WebhookHandler } from '@edusync/core/webhooks'
import { createWebhookHandler, parseBody, WebhookError } from '@edusync/core/webhooks'
import { err, errAsync, ok } from 'neverthrow'
import * as z from 'zod'
import { apiAuth } from '../auth.ts'
import type { HostConfig } from '../config.ts'
import { tenantOf } from '../context.ts'
import { zodIssues } from '../issues.ts'
import { moodleWebhookError } from './moodle-provision.ts'
import type { MoodleSide } from './moodle-side.ts'

const usersRequest = z.object({ studentIds: z.array(z.string().trim().min(1).max(200)).min(1).max(5_000) })

type UsersRequest = z.output<typeof usersRequest>

/**
 * `POST /api/:tenant/moodle/users` (`Authorization: Bearer <apiToken>`, body `{studentIds}`): gives the
 * students Moodle accounts (an existing user with the same username is linked, not duplicated) and links
 * them, so their plugin events and grades resolve to them. Answers one entry per student.
 */
export function moodleUsersHandler(config: HostConfig, moodle: MoodleSide): WebhookHandler<HandlerContext> {
  return createWebhookHandler<UsersRequest, HandlerContext>({
    resolveTenant: routeTenant((t) => tenantOf(config, t) !== undefined),
    authenticate: apiAuth(config),
    maxBodyBytes: config.MAX_BODY_BYTES,
    read: (body, request) => parseBody(body, request.headers.get('content-type')).andThen(readRequest),
    process: ({ tenant, payload }) => {
      if (!tenantOf(config, tenant)?.moodle) {
        return errAsync(new WebhookError('NotFound', `tenant ${tenant} has no Moodle site configured`))
      }
      return moodle
        .provisionStudents(tenant, payload.studentIds)
        .map((students) => ({ status: 200, body: { students } }))
        .mapErr(moodleWebhookError)
    },
  })
}

function readRequest(body: ParsedBody) {
  if (body.kind !== 'json') return err(new WebhookError('UnsupportedMediaType', 'send application/json'))
  const parsed = usersRequest.safeParse(body.value)
  return parsed.success
    ? ok(parsed.data)
    : err(
        new WebhookError('BadRequest', 'not a user provisioning request', {
          issues: zodIssues(parsed.error, body.value),
        }),
      )
}
