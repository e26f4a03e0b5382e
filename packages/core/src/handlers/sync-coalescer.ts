import { err, ok, ResultAsync } from 'neverthrow'
import type { SyncError } from '../errors/sync-error.ts'
import { SyncError as SyncErrorClass } from '../errors/sync-error.ts'
import type { OutcomeCounts } from '../store/store.ts'
import type { RecordOutcome } from '../sync/outcome.ts'
import { countOutcomes } from '../sync/outcome.ts'
import type { SyncEngine, SyncLogger } from '../sync/sync-engine.ts'
import type { EntityName, TenantId } from '../types/primitives.ts'
import { createKeyedBatcher } from '../util/keyed-batcher.ts'
import type { HandlerLogger } from './handler-context.ts'

/** What one caller gets back: the outcomes of its own records, and what the shared batch replayed. */
export interface CoalescedResult {
  readonly entity: EntityName
  readonly counts: OutcomeCounts
  /** One per record the caller passed, in its order. */
  readonly outcomes: readonly RecordOutcome[]
  /** Parked records the shared batch unblocked and replayed (any caller's parents may have done it). */
  readonly replayed: readonly RecordOutcome[]
  readonly replayedCounts: OutcomeCounts
}

/** One caller's share of a batch. */
interface Delivery {
  readonly tenant: TenantId
  readonly entity: EntityName
  readonly records: readonly unknown[]
  readonly requestId: string | undefined
  readonly log: SyncLogger | undefined
}

/** Options of {@link createSyncCoalescer}. */
export interface SyncCoalescerOptions {
  readonly engine: SyncEngine
  /**
   * Logger for batches that serve several requests, bound (through `child`) to all their request ids.
   * A batch serving one request logs on that request's logger. @default no logging
   */
  readonly logger?: HandlerLogger | undefined
  /**
   * Upper bound of records in one shared batch, never above the engine's own per-batch bound
   * (`engine.limits.maxRecords`), which would refuse the merged batch whole. @default 2000
   */
  readonly maxRecords?: number
  /**
   * Shared batches of one tenant/entity in flight at once (on disjoint record ids): two keep a second
   * database connection busy while the first batch commits. At least 1 (a `RangeError` otherwise).
   * @default 2
   */
  readonly maxInFlight?: number
}

/**
 * Merges the records of concurrent webhooks for the same tenant and entity into one engine batch, so
 * 16 senders cost one set of Store round trips instead of 16 (batch-first, as the engine itself is).
 * Up to `maxInFlight` batches per tenant/entity are in flight; deliveries arriving meanwhile form the next.
 *
 * Guarantees kept: a record's outcome is the one it would get alone. Two deliveries carrying the same
 * record id never share a batch (the later waits for the next one), and the later is never taken before
 * the earlier (not even when the earlier had to wait, too large for the batch or sharing another record
 * with a batch in flight), so an A -> B edit is applied in order and neither is reported a duplicate. A Store failure fails every delivery of that batch, and each
 * releases its idempotency key, so all are retried.
 *
 * The grouping itself (per tenant and entity, deliveries of one turn of the event loop together,
 * `maxInFlight` batches at once) is the keyed batcher (`util/keyed-batcher.ts`) the webhook kit's claim
 * groups use too.
 *
 * @example
 * ```ts
 * const coalescer = createSyncCoalescer({ engine })
 * const result = await coalescer.sync('acme', 'student', [record], { requestId, log })
 * ```
 */
export function createSyncCoalescer(options: SyncCoalescerOptions) {
  // Deliveries that fit the engine alone must fit it together: a merged batch over the engine's bound
  // would be refused whole (a 422 for deliveries that were each valid).
  const maxRecords = Math.min(options.maxRecords ?? 2000, options.engine.limits.maxRecords)
  const batches = createKeyedBatcher<Delivery, CoalescedResult | SyncError>({
    maxInFlight: options.maxInFlight ?? 2,
    maxWeight: maxRecords,
    weigh: (delivery) => delivery.records.length,
    ids: (delivery) => recordIds(delivery.records),
    // Versions of one record are applied in order: a batch waits for one in flight holding its ids.
    idsWaitForInFlight: true,
    run: (_key, deliveries) => syncShared(deliveries),
    // A thrown bug must not leave the deliveries waiting forever: each gets a (non-retryable) error.
    failed: (cause) => new SyncErrorClass('Store', 'internal error while syncing a shared batch', { cause }),
  })

  function sharedLog(requestIds: readonly string[]): SyncLogger | undefined {
    const { logger } = options
    return logger?.child ? logger.child({ requestIds }) : logger
  }

  function syncShared(deliveries: readonly Delivery[]): Promise<(CoalescedResult | SyncError)[]> {
    const { tenant, entity } = deliveries[0] as Delivery
    const log =
      deliveries.length === 1
        ? ((deliveries[0] as Delivery).log ?? options.logger)
        : sharedLog(deliveries.map((d) => d.requestId).filter((id) => id !== undefined))
    return options.engine
      .syncBatch({ tenant, entity, records: deliveries.flatMap((d) => d.records), logger: log })
      .match(
        (result) => {
          const byIndex: RecordOutcome[] = []
          for (const outcome of result.outcomes) byIndex[outcome.index] = outcome
          let start = 0
          return deliveries.map((delivery) => {
            const outcomes = byIndex
              .slice(start, start + delivery.records.length)
              .map((o, i) => ({ ...o, index: i }))
            start += delivery.records.length
            return {
              entity,
              counts: countOutcomes(outcomes),
              outcomes,
              replayed: result.replayed,
              replayedCounts: result.replayedCounts,
            }
          })
        },
        (error) => deliveries.map(() => error),
      )
  }

  return {
    /** Syncs `records` as part of the next shared batch of this tenant and entity. */
    sync(
      tenant: TenantId,
      entity: EntityName,
      records: readonly unknown[],
      context: { readonly requestId?: string | undefined; readonly log?: SyncLogger | undefined } = {},
    ): ResultAsync<CoalescedResult, SyncError> {
      // Deliveries that arrive in the same tick join one batch; later ones join the next.
      const answer = batches.submit(`${tenant}\u0000${entity}`, {
        tenant,
        entity,
        records,
        requestId: context.requestId,
        log: context.log,
      })
      return new ResultAsync(answer.then((r) => (r instanceof SyncErrorClass ? err(r) : ok(r))))
    },
  }
}

/** Merges concurrent syncs of one tenant and entity into shared engine batches; see {@link createSyncCoalescer}. */
export type SyncCoalescer = ReturnType<typeof createSyncCoalescer>

/** The string ids of `records` (a record without one cannot collide with another delivery's). */
function recordIds(records: readonly unknown[]): Set<string> {
  const ids = new Set<string>()
  for (const r of records) {
    const id = (r as { id?: unknown } | null)?.id
    if (typeof id === 'string') ids.add(id)
  }
  return ids
}
