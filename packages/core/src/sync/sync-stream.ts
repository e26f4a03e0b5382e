import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import { SyncError } from '../errors/sync-error.ts'
import type { InputLimits } from '../limits/input-limits.ts'
import type { OutcomeCounts } from '../store/store.ts'
import type { EntityDefinition } from '../types/entity.ts'
import type { EntityName, TenantId } from '../types/primitives.ts'
import { yieldToEventLoop } from '../util/yield-to-event-loop.ts'
import type { RecordOutcome } from './outcome.ts'
import { addCounts, emptyCounts } from './outcome.ts'
import type { PreparedBatch } from './prepare-batch.ts'
import { prepareBatchYielding } from './prepare-batch.ts'
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

/** @internal Drives a stream through `runBatch`, keeping one batch in flight while the next is prepared. */
export function syncStreamWith(
  input: SyncStreamInput,
  entity: EntityDefinition,
  limits: InputLimits,
  runBatch: (prepared: PreparedBatch) => ResultAsync<BatchResult, SyncError>,
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

  async function drive(): Promise<Result<StreamResult, SyncError>> {
    let inFlight: Promise<Result<BatchResult, SyncError>> | undefined
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
      batches++
      addCounts(counts, batch.counts)
      addCounts(replayedCounts, batch.replayedCounts)
      for (const outcome of batch.outcomes) {
        if (problems.length >= maxProblems) break
        if (outcome.status === 'INVALID' || outcome.status === 'ERROR' || outcome.status === 'DEFERRED')
          problems.push(outcome)
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
    const launch = async (chunk: unknown[], offset: number): Promise<SyncError | undefined> => {
      // Let other requests run between batches: an all-INVALID batch never touches the Store, so without
      // this a stream of them would hold the event loop from the first record to the last.
      await yieldToEventLoop()
      // Parse and fingerprint this chunk while the previous batch's Store work is still in flight.
      const prepared = await prepareBatchYielding(entity, chunk, offset, limits)
      const failure = await settle()
      if (failure) return failure
      if (input.signal?.aborted) return aborted()
      inFlight = Promise.resolve(runBatch(prepared))
      return undefined
    }

    let chunk: unknown[] = []
    let offset = 0
    try {
      if (input.signal?.aborted) return err(aborted())
      for await (const record of input.records) {
        chunk.push(record)
        if (chunk.length < batchSize) continue
        const failure = await launch(chunk, offset)
        if (failure) return err(failure)
        offset += chunk.length
        chunk = []
      }
      if (chunk.length > 0) {
        const failure = await launch(chunk, offset)
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
