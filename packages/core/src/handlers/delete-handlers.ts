import type { Result } from 'neverthrow'
import { err, errAsync, ok } from 'neverthrow'
import * as z from 'zod'
import type { SyncError } from '../errors/sync-error.ts'
import { toParseIssues } from '../parse/zod-issues.ts'
import type { Store } from '../store/store.ts'
import type { SyncEngine } from '../sync/sync-engine.ts'
import type { ParsedBody } from '../webhooks/body.ts'
import { parseBody } from '../webhooks/body.ts'
import { WebhookError } from '../webhooks/webhook-error.ts'
import type { WebhookHandler } from '../webhooks/webhook-handler.ts'
import { createWebhookHandler } from '../webhooks/webhook-handler.ts'
import { DEFAULT_MAX_BULK_BODY_BYTES } from './bulk-sync-handler.ts'
import { deleteLogCounts, deleteReply } from './delete-reply.ts'
import type { HandlerContext } from './handler-context.ts'
import { routeTenant } from './handler-context.ts'
import type { HandlerBaseOptions, IdempotencyTuning } from './handler-options.ts'

const deleteBody = z.object({
  ids: z.array(z.union([z.string().min(1), z.number().int()])).min(1),
  reason: z.string().trim().min(1),
  source: z.string().trim().min(1).default('api'),
})

/** Options of {@link createDeleteHandlers}. */
export interface DeleteHandlersOptions extends HandlerBaseOptions {
  readonly engine: SyncEngine
  /** Where `Idempotency-Key`s of deletes are claimed. */
  readonly store: Store
  /** Larger delete bodies are refused with 413. @default {@link DEFAULT_MAX_BULK_BODY_BYTES} */
  readonly maxBodyBytes?: number | undefined
  /** Idempotency tuning of the delete handler (lease, TTL, claim events...). */
  readonly idempotency?: IdempotencyTuning | undefined
}

/** The explicit delete input and the quarantine resolutions; see {@link createDeleteHandlers}. */
export interface DeleteHandlers {
  /**
   * `POST …/:tenant/deletes/:entity` with `{"ids": [...], "reason": "...", "source"?: "..."}`: the engine's
   * `deleteBatch` (tombstones, reference policies, the mass-deletion guard). An `Idempotency-Key` header
   * makes a retry replay the first answer.
   */
  readonly delete: WebhookHandler<HandlerContext>
  /** `POST …/:tenant/deletions/quarantine/:id/approve`: applies a held wave, re-planned against today's data. */
  readonly approve: WebhookHandler<HandlerContext>
  /** `POST …/:tenant/deletions/quarantine/:id/discard`: drops a held wave; nothing is deleted. */
  readonly discard: WebhookHandler<HandlerContext>
}

/**
 * Builds the delete handlers. Approving or discarding works once: a second call answers 409 naming the
 * wave's status.
 *
 * @example
 * ```ts
 * const deletes = createDeleteHandlers({ engine, store, knownTenant, authenticate })
 * app.post('/api/:tenant/deletes/:entity', (c) => deletes.delete(c.req.raw, { params: c.req.param() }))
 * ```
 */
export function createDeleteHandlers(options: DeleteHandlersOptions): DeleteHandlers {
  const { engine, store } = options
  const base = { resolveTenant: routeTenant(options.knownTenant), authenticate: options.authenticate }
  return {
    delete: createWebhookHandler<z.output<typeof deleteBody>, HandlerContext>({
      ...base,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BULK_BODY_BYTES,
      read: (body, request) => parseBody(body, request.headers.get('content-type')).andThen(readDelete),
      idempotency: { ...options.idempotency, store, sender: 'api' },
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
    }),
    approve: createWebhookHandler<undefined, HandlerContext>({
      ...base,
      maxBodyBytes: 64 * 1024,
      read: () => ok(undefined),
      process: ({ tenant, context }) =>
        engine
          .approveDeletions(tenant, context.params.id ?? '')
          .map((result) => {
            context.counts = deleteLogCounts(result)
            return deleteReply(result)
          })
          .mapErr(conflict),
    }),
    discard: createWebhookHandler<undefined, HandlerContext>({
      ...base,
      maxBodyBytes: 64 * 1024,
      read: () => ok(undefined),
      process: ({ tenant, context }) =>
        engine
          .discardDeletions(tenant, context.params.id ?? '')
          .map((wave) => ({ status: 200, body: { quarantine: wave } }))
          .mapErr(conflict),
    }),
  }
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
      issues: toParseIssues(parsed.error.issues, body.value),
    }),
  )
}
