import type { Result, ResultAsync } from 'neverthrow'
import { err, errAsync, ok } from 'neverthrow'
import type { SyncError } from '../errors/sync-error.ts'
import type { InputLimits } from '../limits/input-limits.ts'
import { trackRun } from '../runs/track-run.ts'
import type { Store } from '../store/store.ts'
import type { FullPullResult } from '../sync/full-pull.ts'
import type { SyncEngine } from '../sync/sync-engine.ts'
import type { StreamResult } from '../sync/sync-stream.ts'
import type { ParsedBody } from '../webhooks/body.ts'
import { parseBody } from '../webhooks/body.ts'
import { WebhookError } from '../webhooks/webhook-error.ts'
import type { WebhookHandler } from '../webhooks/webhook-handler.ts'
import { createWebhookHandler } from '../webhooks/webhook-handler.ts'
import type { HandlerContext } from './handler-context.ts'
import { routeTenant } from './handler-context.ts'
import type { HandlerBaseOptions, IdempotencyTuning } from './handler-options.ts'

/** Default body limit of a bulk sync: 32 MiB (some 50,000 canonical students). */
export const DEFAULT_MAX_BULK_BODY_BYTES = 32 * 1024 * 1024

/** Options of {@link createBulkSyncHandler}. */
export interface BulkSyncHandlerOptions extends HandlerBaseOptions {
  readonly engine: SyncEngine
  /** Where runs are recorded and `Idempotency-Key`s claimed. */
  readonly store: Store
  /** Larger bodies are refused with 413. @default {@link DEFAULT_MAX_BULK_BODY_BYTES} */
  readonly maxBodyBytes?: number | undefined
  /**
   * Depth, text length and record count limits, checked on the body's text before it is parsed (400 or
   * 413 naming the limit). @default core's `DEFAULT_INPUT_LIMITS`
   */
  readonly limits?: InputLimits | undefined
  /** Idempotency tuning (lease, TTL, header...); a retry carrying the same `Idempotency-Key` is replayed. */
  readonly idempotency?: IdempotencyTuning | undefined
}

/**
 * `POST /…/:tenant/sync/:entity` (params `tenant`, `entity`): syncs a body of canonical records
 * (`[...]` or `{"records": [...]}`) of one entity as a recorded sync run, streamed through the engine in
 * bounded batches. Answers 200 with the run, the counts and the problem outcomes (INVALID / DEFERRED /
 * ERROR); 404 for an unknown entity. A retry with the same `Idempotency-Key` header replays the answer.
 *
 * `?mode=full` says the body is the entity's *complete* set as the source has it now: live records it does
 * not contain become deletion candidates (the engine's `syncFullPull`: reference policies and the
 * mass-deletion guard apply; the answer carries `deletions`). Never use it for a partial export.
 *
 * @example
 * ```ts
 * const bulkSync = createBulkSyncHandler({ engine, store, knownTenant, authenticate: bearerAuth({ token }) })
 * app.post('/api/:tenant/sync/:entity', (c) => bulkSync(c.req.raw, { params: c.req.param() }))
 * ```
 */
export function createBulkSyncHandler(options: BulkSyncHandlerOptions): WebhookHandler<HandlerContext> {
  const { engine, store } = options
  return createWebhookHandler<readonly unknown[], HandlerContext>({
    resolveTenant: routeTenant(options.knownTenant),
    authenticate: options.authenticate,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BULK_BODY_BYTES,
    read: (body, request) =>
      parseBody(body, request.headers.get('content-type'), options.limits).andThen(readRecords),
    idempotency: { ...options.idempotency, store, sender: 'api' },
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
}

/**
 * Reads `[...]` or `{"records": [...]}` from a parsed JSON body, the bulk body every edusync route takes;
 * anything else is a `BadRequest` naming `records`, the rule and what was received.
 */
export function readRecords(body: ParsedBody): Result<readonly unknown[], WebhookError> {
  const value = body.value as unknown
  if (body.kind === 'json' && Array.isArray(value)) return ok(value)
  if (
    body.kind === 'json' &&
    value !== null &&
    typeof value === 'object' &&
    Array.isArray((value as { records?: unknown }).records)
  ) {
    return ok((value as { records: unknown[] }).records)
  }
  const message = 'expected a JSON array of records or {"records": [...]}'
  return err(
    new WebhookError('BadRequest', message, {
      issues: [{ path: 'records', rule: 'invalid_type', message, received: typeof value }],
    }),
  )
}
