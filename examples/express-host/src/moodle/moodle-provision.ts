import type { HandlerContext } from '@edusync/core/handlers'
import type { WebhookHandler } from '@edusync/core/webhooks'
import { createMoodleRequestHandler } from '@edusync/moodle/handlers'
import * as z from 'zod'
import { apiAuth } from '../auth.ts'
import type { HostConfig } from '../config.ts'
import { tenantOf } from '../context.ts'
import type { MoodleSide } from './moodle-side.ts'

const provisionRequest = z.object({
  classId: z.string().trim().min(1).max(200),
  /** Students enrolled in the class already (a class activated later): enrolled in bulk. */
  studentIds: z.array(z.string().trim().min(1).max(200)).max(10_000).default([]),
})

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
  return createMoodleRequestHandler({
    knownTenant: (t) => tenantOf(config, t) !== undefined,
    authenticate: apiAuth(config),
    maxBodyBytes: config.MAX_BODY_BYTES,
    siteConfigured: (t) => tenantOf(config, t)?.moodle !== undefined,
    body: provisionRequest,
    describe: 'a provisioning request',
    process: (tenant, request) =>
      moodle
        .provision(tenant, request.classId, request.studentIds)
        .map((result) => ({ status: result.created ? 201 : 200, body: result })),
  })
}
