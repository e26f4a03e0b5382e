import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import { QuickBooksError } from '../errors.ts'
import type { ApiCall } from '../http/api-client.ts'
import { decodeJson } from '../http/decode.ts'
import type { QbEntity } from '../schemas/entities.ts'
import { cdcResponse } from '../schemas/entities.ts'

/** CDC looks back at most 30 days. */
export const CDC_WINDOW_MS = 30 * 24 * 60 * 60 * 1000
/** A CDC answer holds at most 1000 objects across all entities asked for. */
export const CDC_OBJECT_LIMIT = 1000

/** What changed since a point in time. */
export interface CdcChanges {
  /** Changed entities per entity name; deleted ones carry `status: "Deleted"` and only `Id`. */
  readonly changes: ReadonlyMap<string, readonly QbEntity[]>
  /** The server's `time`: the next call's `changedSince`. */
  readonly time: string
  /**
   * True when the answer reached the 1000-object cap: more changes may exist, so `time` is NOT a safe
   * checkpoint; ask again with a shorter window (or fall back to queries).
   */
  readonly saturated: boolean
}

/** Change Data Capture. */
export interface CdcApi {
  /**
   * `GET /cdc?entities=...&changedSince=...`. `changedSince` older than 30 days is refused here (a
   * `Validation` error) rather than silently truncated.
   */
  changes(entities: readonly string[], changedSince: Date): ResultAsync<CdcChanges, QuickBooksError>
}

/** Creates the CDC resource. */
export function createCdcApi(call: ApiCall, now: () => number = Date.now): CdcApi {
  return {
    changes(entities, changedSince) {
      if (entities.length === 0) throw new TypeError('QuickBooks CDC: name at least one entity')
      if (now() - changedSince.getTime() > CDC_WINDOW_MS) {
        return new ResultAsync(
          Promise.resolve(
            err(
              new QuickBooksError(
                'Validation',
                `QuickBooks CDC looks back at most 30 days; changedSince ${changedSince.toISOString()} is older (use queries on MetaData.LastUpdatedTime)`,
              ),
            ),
          ),
        )
      }
      return call({
        method: 'GET',
        path: '/cdc',
        searchParams: { entities: entities.join(','), changedSince: changedSince.toISOString() },
      })
        .andThen((r) => decodeJson(r, cdcResponse, 'a CDC request'))
        .andThen((body): Result<CdcChanges, QuickBooksError> => {
          const changes = new Map<string, QbEntity[]>()
          let total = 0
          for (const block of body.CDCResponse) {
            for (const response of block.QueryResponse ?? []) {
              for (const entity of entities) {
                const rows = response[entity]
                if (!Array.isArray(rows)) continue
                changes.set(entity, [...(changes.get(entity) ?? []), ...(rows as QbEntity[])])
                total += rows.length
              }
            }
          }
          return ok({ changes, time: body.time, saturated: total >= CDC_OBJECT_LIMIT })
        })
    },
  }
}
