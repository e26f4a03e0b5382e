import type { SyncError } from '@edusync/core'
import type { ParsedBody } from '@edusync/core/webhooks'
import { createWebhookHandler, parseBody, WebhookError } from '@edusync/core/webhooks'
import type { Result } from 'neverthrow'
import { err, errAsync, ok } from 'neverthrow'
import * as z from 'zod'
import { apiAuth } from '../auth.ts'
import { claimSettings } from '../claim-log.ts'
import type { HostServices, RequestContext } from '../context.ts'
import { zodIssues } from '../issues.ts'
import { mount, routeTenant } from '../mount.ts'
import { deleteLogCounts, deleteReply } from './delete-reply.ts'

const deleteBody = z.object({
  ids: z.array(z.union([z.string().min(1), z.number().int()])).min(1),
  reason: z.string().trim().min(1),
  source: z.string().trim().min(1).default('api'),
})

/**
 * `POST /api/:tenant/deletes/:entity` with `{"ids": [...], "reason": "...", "source"?: "..."}`: the explicit
 * delete input. Goes through the engine's `deleteBatch` (tombstones, reference policies, the
 * mass-deletion guard). An `Idempotency-Key` header makes a retry replay the first answer.
 */
export function deleteRoute(services: HostServices) {
  const { config, store, engine } = services
  const handler = createWebhookHandler<z.output<typeof deleteBody>, RequestContext>({
    resolveTenant: routeTenant(config),
    authenticate: apiAuth(config),
    maxBodyBytes: config.MAX_BULK_BODY_BYTES,
    read: (body, request) => parseBody(body, request.headers.get('content-type')).andThen(readDelete),
    idempotency: { store, sender: 'api', ...claimSettings(config) },
    process: ({ tenant, payload, context }) => {
      const entity = context.params.entity ?? ''
      if (!engine.entities.has(entity)) {
        const known = [...engine.entities.keys()].join(', ')
        return errAsync(new WebhookError('NotFound', `unknown entity "${entity}" (known: ${known})`))
      }
      return engine
        .deleteBatch({ tenant, entity, ids: payload.ids, source: payload.source, reason: payload.reason })
        .map((result) => {
          context.counts = deleteLogCounts(result)
          return deleteReply(result)
        })
    },
  })
  return mount(handler, config.MAX_BULK_BODY_BYTES)
}

/**
 * `POST /api/:tenant/deletions/quarantine/:id/approve` and `.../discard`: resolve a deletion wave the
 * mass-deletion guard held. Approving applies it (re-planned against the data as it is now); discarding
 * deletes nothing. Either works once: a second call answers 409 naming the wave's status.
 */
export function quarantineRoute(services: HostServices, action: 'approve' | 'discard') {
  const { config, engine } = services
  const handler = createWebhookHandler<undefined, RequestContext>({
    resolveTenant: routeTenant(config),
    authenticate: apiAuth(config),
    read: () => ok(undefined),
    process: ({ tenant, context }) => {
      const id = context.params.id ?? ''
      if (action === 'discard') {
        return engine
          .discardDeletions(tenant, id)
          .map((wave) => ({ status: 200, body: { quarantine: wave } }))
          .mapErr(conflict)
      }
      return engine
        .approveDeletions(tenant, id)
        .map((result) => {
          context.counts = deleteLogCounts(result)
          return deleteReply(result)
        })
        .mapErr(conflict)
    },
  })
  return mount(handler, 64 * 1024)
}

// Unknown or already resolved waves are the caller's conflict (409, with the status in the message).
function conflict(error: SyncError): unknown {
  return error.reason === 'Quarantine' ? new WebhookError('Conflict', error.message, { cause: error }) : error
}

function readDelete(body: ParsedBody): Result<z.output<typeof deleteBody>, WebhookError> {
  const parsed = deleteBody.safeParse(body.value)
  if (parsed.success) return ok(parsed.data)
  return err(
    new WebhookError('BadRequest', 'expected {"ids": [...], "reason": "...", "source"?: "..."}', {
      issues: zodIssues(parsed.error, body.value),
    }),
  )
}
