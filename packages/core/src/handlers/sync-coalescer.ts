import { err, ok, ResultAsync } from 'neverthrow'
import type { SyncError } from '../errors/sync-error.ts'
import { SyncError as SyncErrorClass } from '../errors/sync-error.ts'
import type { OutcomeCounts } from '../store/store.ts'
import type { RecordOutcome } from '../sync/outcome.ts'
import { countOutcomes } from '../sync/outcome.ts'
import type { SyncEngine, SyncLogger } from '../sync/sync-engine.ts'
import type { EntityName, TenantId } from '../types/primitives.ts'
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

interface Pending {
  readonly records: readonly unknown[]
  readonly ids: ReadonlySet<string>
  readonly requestId: string | undefined
  readonly log: SyncLogger | undefined
  readonly done: (result: CoalescedResult | SyncError) => void
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
   * database connection busy while the first batch commits. @default 2
   */
  readonly maxInFlight?: number
}

interface Queue {
  inFlight: number
  pending: Pending[]
  /** Record ids of the batches in flight. */
  readonly busy: Set<string>
}

/**
 * Merges the records of concurrent webhooks for the same tenant and entity into one engine batch, so
 * 16 senders cost one set of Store round trips instead of 16 (batch-first, as the engine itself is).
 * Up to `maxInFlight` batches per tenant/entity are in flight; deliveries arriving meanwhile form the next.
 *
 * Guarantees kept: a record's outcome is the one it would get alone. Two deliveries carrying the same
 * record id never share a batch (the later waits for the next one), so an A -> B edit is applied in
 * order and neither is reported a duplicate. A Store failure fails every delivery of that batch, and each
 * releases its idempotency key, so all are retried.
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
  const maxInFlight = options.maxInFlight ?? 2
  const queues = new Map<string, Queue>()

  function flush(tenant: TenantId, entity: EntityName, key: string): void {
    const queue = queues.get(key)
    while (queue && queue.inFlight < maxInFlight && queue.pending.length > 0) {
      const taken = take(queue)
      if (taken.length === 0) return
      run(tenant, entity, key, queue, taken)
    }
  }

  // Takes the next batch: deliveries in arrival order, skipping any that share a record id with this batch
  // or with a batch in flight (they wait, so versions of one record are applied in order).
  function take(queue: Queue): Pending[] {
    const taken: Pending[] = []
    const rest: Pending[] = []
    const ids = new Set<string>()
    let size = 0
    for (const item of queue.pending) {
      const collides = [...item.ids].some((id) => ids.has(id) || queue.busy.has(id))
      if (collides || (taken.length > 0 && size + item.records.length > maxRecords)) rest.push(item)
      else {
        taken.push(item)
        for (const id of item.ids) ids.add(id)
        size += item.records.length
      }
    }
    queue.pending = rest
    return taken
  }

  function sharedLog(requestIds: readonly string[]): SyncLogger | undefined {
    const { logger } = options
    return logger?.child ? logger.child({ requestIds }) : logger
  }

  function run(tenant: TenantId, entity: EntityName, key: string, queue: Queue, taken: Pending[]): void {
    queue.inFlight++
    for (const item of taken) for (const id of item.ids) queue.busy.add(id)
    const log =
      taken.length === 1
        ? ((taken[0] as Pending).log ?? options.logger)
        : sharedLog(taken.map((t) => t.requestId).filter((id) => id !== undefined))
    void options.engine
      .syncBatch({ tenant, entity, records: taken.flatMap((t) => t.records), logger: log })
      .match(
        (result) => {
          const byIndex: RecordOutcome[] = []
          for (const outcome of result.outcomes) byIndex[outcome.index] = outcome
          let start = 0
          for (const item of taken) {
            const outcomes = byIndex
              .slice(start, start + item.records.length)
              .map((o, i) => ({ ...o, index: i }))
            start += item.records.length
            item.done({
              entity,
              counts: countOutcomes(outcomes),
              outcomes,
              replayed: result.replayed,
              replayedCounts: result.replayedCounts,
            })
          }
        },
        (error) => {
          for (const item of taken) item.done(error)
        },
      )
      // A thrown bug must not leave the deliveries waiting forever: each gets a (non-retryable) error.
      .catch((cause: unknown) => {
        const error = new SyncErrorClass('Store', 'internal error while syncing a shared batch', { cause })
        for (const item of taken) item.done(error)
      })
      .finally(() => {
        queue.inFlight--
        for (const item of taken) for (const id of item.ids) queue.busy.delete(id)
        if (queue.pending.length > 0) flush(tenant, entity, key)
        else if (queue.inFlight === 0) queues.delete(key)
      })
  }

  return {
    /** Syncs `records` as part of the next shared batch of this tenant and entity. */
    sync(
      tenant: TenantId,
      entity: EntityName,
      records: readonly unknown[],
      context: { readonly requestId?: string | undefined; readonly log?: SyncLogger | undefined } = {},
    ): ResultAsync<CoalescedResult, SyncError> {
      const key = `${tenant}\u0000${entity}`
      let queue = queues.get(key)
      if (!queue) {
        queue = { inFlight: 0, pending: [], busy: new Set() }
        queues.set(key, queue)
      }
      const ids = new Set<string>()
      for (const r of records) {
        const id = (r as { id?: unknown } | null)?.id
        if (typeof id === 'string') ids.add(id)
      }
      const promise = new Promise<CoalescedResult | SyncError>((done) => {
        queue.pending.push({ records, ids, requestId: context.requestId, log: context.log, done })
      })
      // Deliveries that arrive in the same tick join this batch; later ones join the next.
      setImmediate(() => flush(tenant, entity, key))
      return new ResultAsync(promise.then((r) => (r instanceof SyncErrorClass ? err(r) : ok(r))))
    },
  }
}

/** Merges concurrent syncs of one tenant and entity into shared engine batches; see {@link createSyncCoalescer}. */
export type SyncCoalescer = ReturnType<typeof createSyncCoalescer>
