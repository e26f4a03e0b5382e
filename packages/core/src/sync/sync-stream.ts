import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import type { StoreError } from '../errors/store-error.ts'
import { SyncError } from '../errors/sync-error.ts'
import type { InputLimits } from '../limits/input-limits.ts'
import type { OutcomeCounts } from '../store/store.ts'
import type { EntityDefinition } from '../types/entity.ts'
import type { EntityName, TenantId } from '../types/primitives.ts'
import { yieldToEventLoop } from '../util/yield-to-event-loop.ts'
import type { BatchReads } from './apply-batch.ts'
import type { RecordOutcome } from './outcome.ts'
import { addCounts, emptyCounts } from './outcome.ts'
import type { PreparedBatch } from './prepare-batch.ts'
import { PREPARE_SLICE, startBatch } from './prepare-batch.ts'
import type { BatchResult, SyncLogger } from './sync-engine.ts'

/** Progress of a stream, reported after each batch is written. */
export interface StreamProgress {
  readonly batches: number
  readonly counts: OutcomeCounts
  readonly replayedCounts: OutcomeCounts
}

/** Input of `SyncEngine.syncStream`. */
export interface SyncStreamInput {
  readonly tenant: TenantId
  readonly entity: EntityName
  /** The records, e.g. an async generator over API pages. Read once, lazily. */
  readonly records: AsyncIterable<unknown> | Iterable<unknown>
  /** Records per batch (one atomic write each). @default 1000 */
  readonly batchSize?: number
  /** Called after each batch is written. */
  readonly onProgress?: (progress: StreamProgress) => void
  /** Called with each batch's full result (outcomes included); the stream itself keeps only counts. */
  readonly onBatch?: (result: BatchResult) => void
  /** Stops between batches: batches already written stay written, the rest are not read. */
  readonly signal?: AbortSignal
  /**
   * How many non-successful outcomes (INVALID, ERROR, DEFERRED) to keep in the result; the rest are
   * only counted. @default 1000
   */
  readonly maxProblems?: number
  readonly runId?: string
  readonly logger?: SyncLogger
}

/** Result of a stream: counts only, plus the first problems, so memory stays constant. */
export interface StreamResult {
  readonly batches: number
  readonly counts: OutcomeCounts
  readonly replayedCounts: OutcomeCounts
  /** The first `maxProblems` INVALID, ERROR and DEFERRED outcomes. */
  readonly problems: readonly RecordOutcome[]
}

/**
 * @internal Drives a stream through `runBatch`, keeping one batch in flight while the next is prepared.
 *
 * With `readAhead`, the next batch's reads (stored fingerprints, existing references) are issued as soon
 * as it is prepared, while the batch in flight is still being written, so a database's round trips for
 * the two overlap; the next batch's write still starts only after the one in flight has settled, so
 * batches are written in order. Reading early gives the same answers as reading after the write only
 * when the batch in flight cannot change what the next one reads, so the reads are issued early only
 * when the two batches share no id and the entity does not reference itself (a batch's write can then
 * change neither the next batch's fingerprints nor its references' existence), and they are thrown away
 * and read again when the batch in flight parked or replayed anything (a replay can write records of
 * any entity).
 */
export function syncStreamWith(
  input: SyncStreamInput,
  entity: EntityDefinition,
  limits: InputLimits,
  runBatch: (
    prepared: PreparedBatch,
    reads?: ResultAsync<BatchReads, StoreError>,
  ) => ResultAsync<BatchResult, SyncError>,
  readAhead?: (prepared: PreparedBatch) => ResultAsync<BatchReads, StoreError>,
): ResultAsync<StreamResult, SyncError> {
  const batchSize = Math.max(1, input.batchSize ?? 1000)
  const maxProblems = input.maxProblems ?? 1000
  const counts = emptyCounts()
  const replayedCounts = emptyCounts()
  const problems: RecordOutcome[] = []
  let batches = 0

  const aborted = () =>
    new SyncError('Aborted', `stream aborted after ${batches} batches`, {
      completed: { ...counts },
      cause: input.signal?.reason,
    })

  const selfReferencing = Object.values(entity.references).includes(entity.name)

  async function drive(): Promise<Result<StreamResult, SyncError>> {
    let inFlight: Promise<Result<BatchResult, SyncError>> | undefined
    // Whether the batch in flight has finished already (a memory Store's batch finishes before the next
    // one is prepared): reading ahead of it then gains nothing, so its ids need not be compared.
    let inFlightDone = false
    // Ids the batch in flight writes, and whether it (or its replay) parked or replayed anything.
    let inFlightIds: readonly string[] = []
    let inFlightMovedParked = false
    const settle = async (): Promise<SyncError | undefined> => {
      if (!inFlight) return undefined
      const result = await inFlight
      inFlight = undefined
      if (result.isErr()) {
        // What earlier batches wrote, plus what the failing batch wrote before it failed (if anything).
        const e = result.error
        const completed = e.completed ? addCounts({ ...counts }, e.completed) : { ...counts }
        return new SyncError(e.reason, e.message, { cause: e.cause, completed })
      }
      const batch = result.value
      inFlightMovedParked = batch.counts.deferred > 0 || batch.replayed.length > 0
      batches++
      addCounts(counts, batch.counts)
      addCounts(replayedCounts, batch.replayedCounts)
      // Only a batch with problems is searched for them.
      const { invalid, error, deferred } = batch.counts
      if (invalid + error + deferred > 0) {
        for (const outcome of batch.outcomes) {
          if (problems.length >= maxProblems) break
          if (outcome.status === 'INVALID' || outcome.status === 'ERROR' || outcome.status === 'DEFERRED')
            problems.push(outcome)
        }
      }
      try {
        input.onBatch?.(batch)
        input.onProgress?.({ batches, counts: { ...counts }, replayedCounts: { ...replayedCounts } })
      } catch (error) {
        // The batch is written; a throwing callback stops the stream like an abort, and says why.
        return new SyncError('Aborted', `stream stopped: a progress callback threw: ${String(error)}`, {
          cause: error,
          completed: { ...counts },
        })
      }
      return undefined
    }
    const launch = async (prepared: PreparedBatch): Promise<SyncError | undefined> => {
      // Let other requests run between batches: an all-INVALID batch never touches the Store, so without
      // this a stream of them would hold the event loop from the first record to the last.
      await yieldToEventLoop()
      let reads: ResultAsync<BatchReads, StoreError> | undefined
      if (readAhead && inFlight && !inFlightDone && !selfReferencing && !writes(inFlightIds, prepared)) {
        reads = readAhead(prepared)
      }
      // Early reads that are dropped below still settle (a ResultAsync resolves to an Err, never rejects).
      const failure = await settle()
      if (failure) return failure
      if (input.signal?.aborted) return aborted()
      if (inFlightMovedParked) reads = undefined
      inFlightIds = prepared.records.map((r) => r.id)
      inFlightDone = false
      const running = Promise.resolve(runBatch(prepared, reads))
      inFlight = running
      void running.then(() => {
        if (inFlight === running) inFlightDone = true
      })
      return undefined
    }

    // Each record is parsed and fingerprinted as it arrives (while the previous batch's Store work is
    // still in flight), so the raw record is garbage at once rather than waiting in a chunk for the rest
    // of its batch: less for the garbage collector to copy, and it never survives into V8's old
    // generation (most of a stream's peak memory). The event loop runs between slices of a batch.
    let preparer = startBatch(entity, limits)
    let size = 0
    let offset = 0
    const add = (record: unknown): Promise<SyncError | undefined> | undefined => {
      preparer.addOne(record, offset + size)
      size++
      if (size >= batchSize) return flush()
      if (size % PREPARE_SLICE === 0) return yieldToEventLoop().then(() => undefined)
      return undefined
    }
    const flush = (): Promise<SyncError | undefined> => {
      const prepared = preparer.finish(size)
      offset += size
      size = 0
      preparer = startBatch(entity, limits)
      return launch(prepared)
    }
    try {
      if (input.signal?.aborted) return err(aborted())
      const { records } = input
      if (isSyncIterable(records)) {
        // A plain iterable is read synchronously: `for await` would cost a promise and a microtask turn
        // per record. A record that is a promise is awaited, as `for await` does.
        for (let record of records) {
          if (isThenable(record)) record = await record
          const pending = add(record)
          const failure = pending && (await pending)
          if (failure) return err(failure)
        }
      } else {
        for await (const record of records) {
          const pending = add(record)
          const failure = pending && (await pending)
          if (failure) return err(failure)
        }
      }
      if (size > 0) {
        const failure = await flush()
        if (failure) return err(failure)
      }
      const failure = await settle()
      if (failure) return err(failure)
    } catch (error) {
      // The source iterable threw (e.g. an API page failed): batches before it are written.
      await settle()
      return err(
        new SyncError('Aborted', `record source failed: ${String(error)}`, {
          cause: error,
          completed: { ...counts },
        }),
      )
    }
    return ok({ batches, counts, replayedCounts, problems })
  }

  return new ResultAsync(drive())
}

const isSyncIterable = (records: AsyncIterable<unknown> | Iterable<unknown>): records is Iterable<unknown> =>
  records != null &&
  typeof (records as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] !== 'function' &&
  typeof (records as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function'

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  value !== null &&
  (typeof value === 'object' || typeof value === 'function') &&
  typeof (value as { then?: unknown }).then === 'function'

// Whether the batch in flight (its ids) writes any record of `next`.
function writes(inFlightIds: readonly string[], next: PreparedBatch): boolean {
  const ids = new Set(inFlightIds)
  return next.records.some((r) => ids.has(r.id))
}
