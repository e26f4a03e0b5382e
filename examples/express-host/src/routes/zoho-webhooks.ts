import type { RecordOutcome } from '@edusync/core'
import { countOutcomes } from '@edusync/core'
import { createWebhookHandler, parseBody, syncReply } from '@edusync/core/webhooks'
import { okAsync } from 'neverthrow'
import { zohoAuth } from '../auth.ts'
import { claimSettings } from '../claim-log.ts'
import type { HostServices, RequestContext } from '../context.ts'
import { webhookLimits } from '../limits.ts'
import { mount, routeTenant } from '../mount.ts'
import type { ZohoPayload } from '../zoho/zoho-intake.ts'
import { deleteLogCounts, deleteReply } from './delete-reply.ts'

/**
 * `POST /webhooks/:tenant/zoho[/:module]`: a Zoho workflow webhook or Deluge call. Authenticated by the
 * tenant's shared secret (or an HMAC signature), read from JSON or form fields in every shape the Zoho
 * adapter knows (`{"data":[...]}`, one record, id-only bodies resolved through the Zoho API), synced, and
 * answered with one outcome per record. De-duplicated by `Idempotency-Key` when sent, else by body plus the
 * records' `Modified_Time` (so an A -> B -> A edit is applied three times, and an id-only body is always
 * re-fetched). Deletes (a notification with `operation: "delete"`, or an id-only body saying so) are
 * applied through the engine's `deleteBatch`: tombstones, reference policies and the mass-deletion guard.
 */
export function zohoWebhookRoute(services: HostServices) {
  const { config, store, coalescer, zoho, engine } = services
  const limits = webhookLimits(config)
  const handler = createWebhookHandler<ZohoPayload, RequestContext>({
    resolveTenant: routeTenant(config),
    authenticate: zohoAuth(config, store),
    maxBodyBytes: config.MAX_BODY_BYTES,
    read: (body, request) => {
      const contentType = request.headers.get('content-type')
      return parseBody(body, contentType, limits).andThen((parsed) =>
        zoho.read(body, parsed, contentType, moduleFromPath(request.url)),
      )
    },
    idempotency: { store, sender: 'zoho', version: (p) => p.version, ...claimSettings(config) },
    process: ({ tenant, payload, context }) =>
      zoho.resolve(tenant, payload, context.log).andThen((delivery) => {
        if (delivery.deletes.length > 0) {
          return engine
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
                context.log.warn('zoho deletes quarantined', {
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
  return mount(handler, config.MAX_BODY_BYTES)
}

// The route's optional `:module` segment (Express params are not visible to the web-standard `read`).
// Express already refused a malformed escape in a matched segment (400); decode defensively anyway.
function moduleFromPath(url: string): string | undefined {
  const parts = new URL(url).pathname.split('/').filter(Boolean)
  if (parts.length < 4) return undefined
  try {
    return decodeURIComponent(parts[3] as string)
  } catch {
    return parts[3]
  }
}

function rejectedOnly(entity: string, rejected: readonly RecordOutcome[], context: RequestContext) {
  const counts = countOutcomes(rejected)
  context.counts = counts
  return syncReply({ entity, counts, outcomes: rejected, replayed: [], replayedCounts: countOutcomes([]) })
}
