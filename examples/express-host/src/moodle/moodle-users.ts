import type { HandlerContext } from '@edusync/core/handlers'
import type { WebhookHandler } from '@edusync/core/webhooks'
import { createMoodleRequestHandler } from '@edusync/moodle/handlers'
import * as z from 'zod'
import { apiAuth } from '../auth.ts'
import type { HostConfig } from '../config.ts'
import { tenantOf } from '../context.ts'
import type { MoodleSide } from './moodle-side.ts'

const usersRequest = z.object({ studentIds: z.array(z.string().trim().min(1).max(200)).min(1).max(5_000) })

/**
 * `POST /api/:tenant/moodle/users` (`Authorization: Bearer <apiToken>`, body `{studentIds}`): gives the
 * students Moodle accounts (an existing user with the same username is linked, not duplicated) and links
 * them, so their plugin events and grades resolve to them. Answers one entry per student.
 */
export function moodleUsersHandler(config: HostConfig, moodle: MoodleSide): WebhookHandler<HandlerContext> {
  return createMoodleRequestHandler({
    knownTenant: (t) => tenantOf(config, t) !== undefined,
    authenticate: apiAuth(config),
    maxBodyBytes: config.MAX_BODY_BYTES,
    siteConfigured: (t) => tenantOf(config, t)?.moodle !== undefined,
    body: usersRequest,
    describe: 'a user provisioning request',
    process: (tenant, request) =>
      moodle
        .provisionStudents(tenant, request.studentIds)
        .map((students) => ({ status: 200, body: { students } })),
  })
}
