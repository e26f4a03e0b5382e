import type { ResultAsync } from 'neverthrow'
import { ok } from 'neverthrow'
import type { ZohoError } from '../errors.ts'
import type { ApiCall } from '../http/api-client.ts'
import { decodeBody } from '../http/decode.ts'
import type { PageInfo, ZohoRecord } from '../schemas/records.ts'
import { recordsPage } from '../schemas/records.ts'

/** The answer to one COQL query. */
export interface CoqlResult {
  readonly records: readonly ZohoRecord[]
  readonly info: PageInfo | undefined
  /** `info.more_records`: page on with `limit offset, count`. */
  readonly moreRecords: boolean
}

/**
 * Runs one COQL `select` (`POST /crm/v8/coql`). LIMIT defaults to 200 and is at most 2,000 per call; 204
 * (no rows) is an empty result. Quote string literals with {@link coqlString}.
 */
export function runCoql(call: ApiCall, query: string): ResultAsync<CoqlResult, ZohoError> {
  const path = '/crm/v8/coql'
  // A query is a read: retrying it after a 5xx or timeout is harmless.
  return call({ method: 'POST', path, json: { select_query: query }, idempotent: true }).andThen(
    (response) => {
      if (response.status === 204 || response.body.length === 0) {
        return ok<CoqlResult, ZohoError>({ records: [], info: undefined, moreRecords: false })
      }
      return decodeBody(response, recordsPage, { method: 'POST', url: path }).map((page) => ({
        records: page.data,
        info: page.info,
        moreRecords: page.info?.more_records === true,
      }))
    },
  )
}
