import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import type { ZohoError } from '../errors.ts'
import type { ApiCall } from '../http/api-client.ts'
import { decodeBody } from '../http/decode.ts'
import type { ZohoRecord } from '../schemas/records.ts'
import { recordsPage } from '../schemas/records.ts'
import type { Criterion } from './criteria.ts'
import { buildCriteria } from './criteria.ts'
import { DISCRETE_PAGINATION_LIMIT } from './list.ts'

/** What to search by: a criteria string or conditions, or Zoho's `email`/`phone`/`word` shortcuts. */
export type SearchQuery =
  | string
  | readonly Criterion[]
  | { readonly email: string }
  | { readonly phone: string }
  | { readonly word: string }

/** Options of `client.records.search`. */
export interface SearchOptions {
  /** Field api_names to return. */
  readonly fields?: readonly string[]
  /** Records per page, at most 200. @default 200 */
  readonly perPage?: number
}

function queryParams(query: SearchQuery): Record<string, string> {
  if (typeof query === 'string') return { criteria: query }
  if (Array.isArray(query)) return { criteria: buildCriteria(query as readonly Criterion[]) }
  return { ...(query as Record<string, string>) }
}

/**
 * Searches a module and returns every match. Zoho's search only reaches the first 2,000 records; past
 * that use `list` with a custom view or COQL. 204 (nothing found) is an empty list.
 */
export function searchRecords(
  call: ApiCall,
  module: string,
  query: SearchQuery,
  options: SearchOptions = {},
): ResultAsync<ZohoRecord[], ZohoError> {
  const perPage = options.perPage ?? 200
  const path = `/crm/v8/${encodeURIComponent(module)}/search`
  const base = { ...queryParams(query), per_page: String(perPage) } as Record<string, string>
  if (options.fields) base.fields = options.fields.join(',')
  const run = async (): Promise<Result<ZohoRecord[], ZohoError>> => {
    const all: ZohoRecord[] = []
    for (let page = 1; page * perPage <= DISCRETE_PAGINATION_LIMIT; page++) {
      const searchParams = { ...base, page: String(page) }
      const sent = await call({ method: 'GET', path, searchParams })
      if (sent.isErr()) return err(sent.error)
      if (sent.value.status === 204 || sent.value.body.length === 0) break
      const decoded = decodeBody(sent.value, recordsPage, { method: 'GET', url: path })
      if (decoded.isErr()) return err(decoded.error)
      all.push(...decoded.value.data)
      if (decoded.value.info?.more_records !== true) break
    }
    return ok(all)
  }
  return new ResultAsync(run())
}
