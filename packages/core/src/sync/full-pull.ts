import type { ResultAsync } from 'neverthrow'
import { err, ok, safeTry } from 'neverthrow'
import { SyncError } from '../errors/sync-error.ts'
import type { DeleteContext, DeleteResult } from './delete-batch.ts'
import { deleteRecords } from './delete-batch.ts'
import type { StreamResult, SyncStreamInput } from './sync-stream.ts'

/** Input of `SyncEngine.syncFullPull`: a stream that is the *whole* entity, as the source has it now. */
export interface FullPullInput extends SyncStreamInput {
  /** The source the pull reads, kept on the tombstones of absent records, e.g. `"zoho"`. */
  readonly source: string
  /**
   * Ids the source returned that never reached the engine (e.g. records an adapter's reader refused):
   * they exist, so they are never deletion candidates. Read once the stream has completed, so the caller
   * may fill it while the stream runs. An `undefined` entry is a returned record without a readable id:
   * then absence proves nothing and nothing is deleted.
   */
  readonly alsoPresent?: Iterable<string | undefined>
}

/** Result of a full pull: the stream's result plus what happened to the records it did not contain. */
export interface FullPullResult extends StreamResult {
  /** How many live records were absent from the pull (deletion candidates). */
  readonly candidates: number
  /** The candidates' deletion (policies and the guard applied), or `null` when there were none. */
  readonly deletions: DeleteResult | null
  /** Why no candidates were computed although the pull completed, e.g. records without an id. */
  readonly skipped: string | null
}

const PAGE = 10_000

/**
 * Syncs a complete pull, then treats live records it did not contain as deletion candidates. Candidates
 * exist only when the pull completed: a source that throws (a failed page), an abort, or a failed batch
 * ends the call with an error and deletes nothing (so does a signal that fired, even when the source then
 * ended quietly); and when any pulled record had no readable id the pull cannot prove absence, so nothing
 * is deleted (`skipped` says why). Memory: the pulled ids only.
 */
export function syncFullPull(
  ctx: DeleteContext,
  stream: (input: SyncStreamInput) => ResultAsync<StreamResult, SyncError>,
  input: FullPullInput,
): ResultAsync<FullPullResult, SyncError> {
  const seen = new Set<string>()
  let unidentified = 0
  async function* tap() {
    for await (const record of input.records) {
      const id = idOf(record)
      if (id === undefined) unidentified++
      else seen.add(id)
      yield record
    }
  }
  const { tenant, entity } = input
  return safeTry(async function* () {
    const streamed = yield* stream({ ...input, records: tap() })
    // A source that stops early when the signal fires ends like a complete one; the signal says otherwise.
    if (input.signal?.aborted) {
      return err(
        new SyncError('Aborted', `${entity} pull was cancelled: no deletion candidates`, {
          cause: input.signal.reason,
          completed: streamed.counts,
        }),
      )
    }
    for (const id of input.alsoPresent ?? []) {
      if (id === undefined || id.trim() === '') unidentified++
      else seen.add(id.trim())
    }
    if (unidentified > 0) {
      return ok({
        ...streamed,
        candidates: 0,
        deletions: null,
        skipped: `${unidentified} pulled record(s) had no readable id, so absence proves nothing; no deletion candidates`,
      })
    }
    const missing: string[] = []
    let afterId: string | undefined
    for (;;) {
      const page = yield* ctx.store
        .listRecordIds(tenant, entity, { ...(afterId === undefined ? {} : { afterId }), limit: PAGE })
        .mapErr(
          (e) =>
            new SyncError('Store', `${entity} pull written, but listing stored ids failed: ${e.message}`, {
              cause: e,
              completed: streamed.counts,
            }),
        )
      for (const id of page) if (!seen.has(id)) missing.push(id)
      if (page.length < PAGE) break
      afterId = page[page.length - 1]
    }
    if (missing.length === 0) return ok({ ...streamed, candidates: 0, deletions: null, skipped: null })
    const deletions = yield* deleteRecords(ctx, {
      tenant,
      entity,
      ids: missing,
      source: input.source,
      reason: `absent from a complete ${input.source} pull of ${entity}`,
      ...(input.runId === undefined ? {} : { runId: input.runId }),
    })
    return ok({ ...streamed, candidates: missing.length, deletions, skipped: null })
  })
}

// The same id rule as parsing: a string, or a safe integer as its decimal string.
function idOf(record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null) return undefined
  const id = (record as { id?: unknown }).id
  if (typeof id === 'string' && id.trim() !== '') return id.trim()
  if (typeof id === 'number' && Number.isSafeInteger(id)) return String(id)
  return undefined
}
