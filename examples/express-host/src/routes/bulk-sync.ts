import type { FullPullResult, StreamResult, SyncError } from '@edusync/core'
import { trackRun } from '@edusync/core'
import { createWebhookHandler, parseBody, WebhookError } from '@edusync/core/webhooks'
import type { ResultAsync } from 'neverthrow'
import { errAsync } from 'neverthrow'
import { apiAuth } from '../auth.ts'
import { claimSettings } from '../claim-log.ts'
import type { HostServices, RequestContext } from '../context.ts'
import { bulkLimits } from '../limits.ts'
import { mount, routeTenant } from '../mount.ts'
import { readRecords } from './read-records.ts'

/**
 * `POST /api/:tenant/sync/:entity`: syncs a batch of canonical records (`[...]` or `{"records": [...]}`)
 * of one entity as a recorded sync run, in bounded batches. Answers the run, counts and the first problem
 * outcomes (INVALID / DEFERRED / ERROR). An `Idempotency-Key` header makes a retry replay the result.
 *
 * `?mode=full` says the body is the entity's *complete* set as the source has it now: live records it does
 * not contain become deletion candidates (the engine's `syncFullPull`: reference policies and the
 * mass-deletion guard apply; the answer carries `deletions`). Never use it for a partial export.
 */
export function bulkSyncRoute(services: HostServices) {
  const { config, store, engine } = services
  const limits = bulkLimits(config)
  const handler = createWebhookHandler<readonly unknown[], RequestContext>({
    resolveTenant: routeTenant(config),
    authenticate: apiAuth(config),
    maxBodyBytes: config.MAX_BULK_BODY_BYTES,
    // Depth, text length and the record count are checked on the text, before it is parsed.
    read: (body, request) =>
      parseBody(body, request.headers.get('content-type'), limits).andThen(readRecords),
    idempotency: { store, sender: 'api', ...claimSettings(config) },
    process: ({ tenant, payload, context, request }) => {
      const entity = context.params.entity ?? ''
      if (!engine.entities.has(entity)) {
        const known = [...engine.entities.keys()].join(', ')
        return errAsync(new WebhookError('NotFound', `unknown entity "${entity}" (known: ${known})`))
      }
      const mode = new URL(request.url).searchParams.get('mode') ?? 'incremental'
      if (mode !== 'full' && mode !== 'incremental') {
        const message = 'mode must be "full" (the complete set: absent records are deleted) or "incremental"'
        return errAsync(
          new WebhookError('BadRequest', message, {
            issues: [{ path: 'mode', rule: 'enum', message, received: mode }],
          }),
        )
      }
      const metadata = { requestId: context.requestId, records: payload.length, mode }
      const sync = (runId: string): ResultAsync<StreamResult & Partial<FullPullResult>, SyncError> =>
        mode === 'full'
          ? engine.syncFullPull({
              tenant,
              entity,
              records: payload,
              runId,
              logger: context.log,
              source: 'api',
            })
          : engine.syncStream({ tenant, entity, records: payload, runId, logger: context.log })
      return trackRun(store, tenant, { step: `api:${entity}`, metadata }, sync).map(({ run, value }) => {
        context.counts = value.counts
        const full =
          value.candidates !== undefined
            ? {
                deletions: value.deletions && {
                  counts: value.deletions.counts,
                  quarantine: value.deletions.quarantine,
                  refused: value.deletions.outcomes.filter((o) => o.status === 'INVALID'),
                },
                candidates: value.candidates,
                skipped: value.skipped,
              }
            : {}
        return {
          status: 200,
          body: {
            entity,
            run: { id: run.id, status: run.status },
            counts: value.counts,
            replayedCounts: value.replayedCounts,
            problems: value.problems,
            ...full,
          },
        }
      })
    },
  })
  return mount(handler, config.MAX_BULK_BODY_BYTES)
}
