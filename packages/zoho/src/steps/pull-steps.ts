import type {
  CanonicalEntityName,
  FullPullResult,
  OutcomeCounts,
  Store,
  StreamResult,
  SyncEngine,
  SyncError,
} from '@edusync/core'
import type { Step } from '@edusync/core/steps'
import { defineStep } from '@edusync/core/steps'
import type { Result } from 'neverthrow'
import { ResultAsync } from 'neverthrow'
import type { ZohoClient } from '../client.ts'
import { defaultFieldMap } from '../map/default-field-map.ts'
import type { FieldMap } from '../map/types.ts'
import { findModuleMap } from '../map/with-field-map.ts'
import { createZohoReader } from '../readers/read-record.ts'
import { fieldsToFetch } from '../webhooks/fetch-webhook-records.ts'

/** Options of {@link zohoPullSteps}. */
export interface ZohoPullStepsOptions {
  /** The tenant's Zoho client. */
  readonly client: ZohoClient
  /** The engine the records go through (parse, fingerprint, DEFERRED, replay). */
  readonly engine: SyncEngine
  /** Where the last successful pull of each module is read from (its run's start time). */
  readonly store: Store
  /** @default defaultFieldMap */
  readonly fieldMap?: FieldMap
  /** Which entities to pull. @default every entity the field map maps, in the engine's dependency order */
  readonly entities?: readonly CanonicalEntityName[]
  /**
   * How far before the last successful pull's start an incremental pull reaches back, so a record saved
   * while that pull was running (or with a clock a little behind) is not missed. @default 10 minutes
   */
  readonly lookbackMs?: number
  /** Records per engine batch. @default 500 */
  readonly batchSize?: number
}

/** How many invalid records' messages a pull keeps in its run's details (the rest are only counted). */
const KEPT_PROBLEMS = 20

/**
 * One step per mapped Zoho module, named `zoho:<entity>`, in dependency order (programs and students
 * before registrations, payments after them), each pulling its module into the engine.
 *
 * A pull is **incremental** by `Modified_Time`: it asks Zoho for records modified since the start of the
 * step's last completed run, minus `lookbackMs` (Zoho answers 304 when nothing changed). It is **full**
 * when the caller passes the step option `full: true`, or when the step never completed before. Records
 * the reader refuses are counted as INVALID on the run, with their first messages in its details; one bad
 * record never stops the pull. The step stops between pages when interrupted.
 *
 * A **full** pull is also a deletion check (the engine's `syncFullPull`, source `zoho`): once every page
 * has been read, live records Zoho no longer returned are deleted (tombstoned) through the engine's
 * reference policies and mass-deletion guard; the run's details carry `deletions`. Records the reader
 * refused still count as present. A failed page or an interruption deletes nothing; an incremental pull
 * never deletes (Zoho delete notifications do that).
 *
 * @example
 * ```ts
 * const runner = createStepRunner({ store, steps: [...zohoPullSteps({ client, engine, store }), parkedReplayStep(engine)] })
 * await runner.run('acme', { options: { full: true } })
 * ```
 */
export function zohoPullSteps(options: ZohoPullStepsOptions): Step[] {
  const fieldMap = options.fieldMap ?? defaultFieldMap
  const lookbackMs = options.lookbackMs ?? 10 * 60_000
  const mapped = (entity: string) => findModuleMap(fieldMap, entity) !== undefined
  const wanted = options.entities ?? (options.engine.order.filter(mapped) as CanonicalEntityName[])
  const order = options.engine.order.filter((entity) => wanted.includes(entity as CanonicalEntityName))
  return order.map((entity) => {
    const map = findModuleMap(fieldMap, entity)
    if (!map) throw new TypeError(`zohoPullSteps: no field map for "${entity}"`)
    const name = `zoho:${entity}`
    return defineStep({
      name,
      description: `Pull ${map.module} from Zoho into ${entity} records`,
      options: { full: 'pull every record, not only those modified since the last completed pull' },
      run: ({ tenant, runId, signal, progress, options: stepOptions }) =>
        ResultAsync.fromPromise(
          (async () => {
            const since =
              stepOptions.full === true
                ? undefined
                : await lastPullStart(options.store, tenant, name, lookbackMs)
            const read = createZohoReader(entity, fieldMap)
            const invalid: string[] = []
            let invalidCount = 0
            let fetched = 0
            // Full pulls only: ids Zoho returned that the reader refused still exist in Zoho.
            const refused: (string | undefined)[] = []
            async function* records() {
              const pages = options.client.records.list(map!.module, {
                fields: fieldsToFetch(fieldMap, map!.module),
                sortBy: 'Modified_Time',
                sortOrder: 'asc',
                ...(since ? { modifiedSince: since } : {}),
              })
              for await (const page of pages) {
                if (page.isErr()) throw page.error
                for (const record of page.value.records) {
                  const canonical = read(record)
                  if (canonical.isOk()) yield canonical.value
                  else {
                    invalidCount++
                    if (invalid.length < KEPT_PROBLEMS) invalid.push(canonical.error.message)
                    if (!since) refused.push(record.id === undefined ? undefined : String(record.id))
                  }
                }
                fetched += page.value.records.length
                progress({ done: fetched, message: map!.module })
                if (signal.aborted) return
              }
            }
            const input = {
              tenant,
              entity,
              records: records(),
              batchSize: options.batchSize ?? 500,
              signal,
              runId,
            }
            const result: Result<StreamResult & Partial<FullPullResult>, SyncError> = since
              ? await options.engine.syncStream(input)
              : await options.engine.syncFullPull({ ...input, source: 'zoho', alsoPresent: refused })
            if (result.isErr()) throw result.error
            if (signal.aborted) throw new Error(`interrupted after ${fetched} records of ${map!.module}`)
            const { candidates, deletions, skipped } = result.value
            const full =
              candidates === undefined
                ? undefined
                : { candidates, deletions: deletions ?? null, skipped: skipped ?? null }
            const counts: Partial<OutcomeCounts> = { total: invalidCount, invalid: invalidCount }
            return {
              counts,
              details: {
                module: map!.module,
                mode: since ? 'incremental' : 'full',
                ...(since ? { modifiedSince: since.toISOString() } : {}),
                fetched,
                ...(invalid.length > 0 ? { invalid } : {}),
                ...(full ? { deletions: deletionDetails(full) } : {}),
              },
            }
          })(),
          (error) => (error instanceof Error ? error : new Error(String(error))),
        ),
    })
  })
}

// What a full pull's deletion check did, for the run's details (a person reads them).
function deletionDetails(full: Pick<FullPullResult, 'candidates' | 'deletions' | 'skipped'>) {
  const d = full.deletions
  return {
    candidates: full.candidates,
    ...(full.skipped ? { skipped: full.skipped } : {}),
    ...(d
      ? {
          deleted: d.counts.deleted + d.cascaded.length,
          refused: d.outcomes
            .flatMap((o) => (o.status === 'INVALID' ? [o.message] : []))
            .slice(0, KEPT_PROBLEMS),
          ...(d.quarantine ? { quarantined: d.quarantine.id, guardReason: d.quarantine.guardReason } : {}),
        }
      : {}),
  }
}

/** The start of the step's last completed run, minus the lookback; undefined when it never completed. */
async function lastPullStart(store: Store, tenant: string, step: string, lookbackMs: number) {
  const runs = await store.listRuns(tenant, { step, status: 'completed', limit: 1 })
  if (runs.isErr()) throw runs.error
  const started = runs.value[0]?.startedAt
  return started ? new Date(started.getTime() - lookbackMs) : undefined
}
