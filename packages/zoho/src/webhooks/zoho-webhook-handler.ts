import type { RecordOutcome, Store, SyncEngine } from '@edusync/core'
import { countOutcomes } from '@edusync/core'
import type {
  HandlerBaseOptions,
  HandlerContext,
  IdempotencyTuning,
  SyncCoalescer,
} from '@edusync/core/handlers'
import { createSyncCoalescer, deleteLogCounts, deleteReply, routeTenant } from '@edusync/core/handlers'
import type { WebhookHandler } from '@edusync/core/webhooks'
import { createWebhookHandler, parseBody, syncReply } from '@edusync/core/webhooks'
import { okAsync } from 'neverthrow'
import type { ZohoIntakeOptions, ZohoPayload } from './zoho-intake.ts'
import { createZohoIntake } from './zoho-intake.ts'

/** Options of {@link createZohoWebhookHandler}. */
export interface ZohoWebhookHandlerOptions extends HandlerBaseOptions, ZohoIntakeOptions {
  /** The engine the records are synced with. */
  readonly engine: SyncEngine
  /** Where deliveries are de-duplicated (idempotency keys). */
  readonly store: Store
  /**
   * Shares engine batches between concurrent deliveries; pass one coalescer to every handler that syncs
   * through the same engine. @default a coalescer of its own over `engine`
   */
  readonly coalescer?: SyncCoalescer | undefined
  /** Larger bodies are refused with 413. @default 1 MiB (a 200-record Zoho batch is ~200 KiB) */
  readonly maxBodyBytes?: number | undefined
  /** Idempotency tuning (lease, TTL, header...). De-duplication itself is always on. */
  readonly idempotency?: IdempotencyTuning | undefined
}

/**
 * The Zoho webhook handler (params `tenant`, optional `module`): a Zoho workflow webhook, notification
 * callback or Deluge call, authenticated by `authenticate`, read from JSON or form fields in every shape
 * the Zoho adapter knows (`{"data":[...]}`, one record, id-only bodies fetched through the tenant's Zoho
 * client), synced through the coalescer, and answered with one outcome per record, the records the reader
 * refused included (INVALID, naming field and rule). Answers 200; 400 when every record is INVALID; 500
 * when a record ended in ERROR (so the delivery is retried); 503 with `Retry-After` while Zoho or the
 * Store is unavailable.
 *
 * Deletes (a notification with `operation: "delete"`, or an id-only body saying so) go through the
 * engine's `deleteBatch`: tombstones, reference policies and the mass-deletion guard.
 *
 * De-duplicated by `Idempotency-Key` when sent, else by body plus the records' `Modified_Time`, so an
 * A -> B -> A edit is applied three times, a redelivery once, and an id-only body is always re-fetched.
 *
 * @example
 * ```ts
 * const zohoWebhook = createZohoWebhookHandler({
 *   engine, store, knownTenant: (t) => t in tenants,
 *   authenticate: sharedSecretAuth({ secret: (t) => tenants[t]?.zohoSecret, header: 'x-edusync-secret' }),
 *   clientFor: (t) => clients.get(t),
 * })
 * app.post('/webhooks/:tenant/zoho/:module', (c) => zohoWebhook(c.req.raw, { params: c.req.param() }))
 * ```
 */
export function createZohoWebhookHandler(options: ZohoWebhookHandlerOptions): WebhookHandler<HandlerContext> {
  const { store } = options
  const intake = createZohoIntake(options)
  const coalescer = options.coalescer ?? createSyncCoalescer({ engine: options.engine })
  return createWebhookHandler<ZohoPayload, HandlerContext>({
    resolveTenant: routeTenant(options.knownTenant),
    authenticate: options.authenticate,
    maxBodyBytes: options.maxBodyBytes,
    read: (body, request, context) => {
      const contentType = request.headers.get('content-type')
      return parseBody(body, contentType, options.limits).andThen((parsed) =>
        intake.read(body, parsed, contentType, context.params.module),
      )
    },
    idempotency: { ...options.idempotency, store, sender: 'zoho', version: (p) => p.version },
    process: ({ tenant, payload, context }) =>
      intake.resolve(tenant, payload, context.log).andThen((delivery) => {
        if (delivery.deletes.length > 0) {
          return options.engine
            .deleteBatch({
              tenant,
              entity: delivery.entity,
              ids: delivery.deletes,
              source: 'zoho',
              reason: delivery.deleteReason,
            })
            .map((result) => {
              context.counts = deleteLogCounts(result)
              if (result.quarantine) {
                context.log?.warn('zoho deletes quarantined', {
                  entity: delivery.entity,
                  quarantineId: result.quarantine.id,
                  reason: result.quarantine.guardReason,
                })
              }
              return deleteReply(result)
            })
        }
        if (delivery.records.length === 0)
          return okAsync(rejectedOnly(delivery.entity, delivery.rejected, context))
        return coalescer.sync(tenant, delivery.entity, delivery.records, context).map((result) => {
          const merged = { ...result, outcomes: [...delivery.rejected, ...result.outcomes] }
          const all = { ...merged, counts: countOutcomes(merged.outcomes) }
          context.counts = all.counts
          return syncReply(all)
        })
      }),
  })
}

function rejectedOnly(entity: string, rejected: readonly RecordOutcome[], context: HandlerContext) {
  const counts = countOutcomes(rejected)
  context.counts = counts
  return syncReply({ entity, counts, outcomes: rejected, replayed: [], replayedCounts: countOutcomes([]) })
}
