import { trackRun } from '@edusync/core'
import { createWebhookHandler, parseBody, WebhookError } from '@edusync/core/webhooks'
import { errAsync } from 'neverthrow'
import { apiAuth } from '../auth.ts'
import { claimSettings } from '../claim-log.ts'
import type { HostServices, RequestContext } from '../context.ts'
import { mount, routeTenant } from '../mount.ts'
import { readRecords } from './read-records.ts'

/**
 * `POST /api/:tenant/sync/:entity`: syncs a batch of canonical records (`[...]` or `{"records": [...]}`)
 * of one entity as a recorded sync run, in bounded batches. Answers the run, counts and the first problem
 * outcomes (INVALID / DEFERRED / ERROR). An `Idempotency-Key` header makes a retry replay the result.
 */
export function bulkSyncRoute(services: HostServices) {
  const { config, store, engine } = services
  const handler = createWebhookHandler<readonly unknown[], RequestContext>({
    resolveTenant: routeTenant(config),
    authenticate: apiAuth(config),
    maxBodyBytes: config.MAX_BULK_BODY_BYTES,
    read: (body, request) => parseBody(body, request.headers.get('content-type')).andThen(readRecords),
    idempotency: { store, sender: 'api', ...claimSettings(config) },
    process: ({ tenant, payload, context }) => {
      const entity = context.params.entity ?? ''
      if (!engine.entities.has(entity)) {
        const known = [...engine.entities.keys()].join(', ')
        return errAsync(new WebhookError('NotFound', `unknown entity "${entity}" (known: ${known})`))
      }
      return trackRun(
        store,
        tenant,
        { step: `api:${entity}`, metadata: { requestId: context.requestId, records: payload.length } },
        (runId) => engine.syncStream({ tenant, entity, records: payload, runId, logger: context.log }),
      ).map(({ run, value }) => {
        context.counts = value.counts
        return {
          status: 200,
          body: {
            entity,
            run: { id: run.id, status: run.status },
            counts: value.counts,
            replayedCounts: value.replayedCounts,
            problems: value.problems,
          },
        }
      })
    },
  })
  return mount(handler, config.MAX_BULK_BODY_BYTES)
}
