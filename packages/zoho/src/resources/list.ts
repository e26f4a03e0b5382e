import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import { ZohoError } from '../errors.ts'
import type { ApiCall } from '../http/api-client.ts'
import { decodeBody } from '../http/decode.ts'
import { describeUrl } from '../http/transport.ts'
import type { PageInfo, ZohoRecord } from '../schemas/records.ts'
import { recordsPage } from '../schemas/records.ts'

/** Zoho serves `page`/`per_page` only up to this many records; beyond it `page_token` is required. */
export const DISCRETE_PAGINATION_LIMIT = 2000

/** Options of `client.records.list`. */
export interface ListOptions {
  /** Field api_names to return: mandatory for Zoho's list call, at most 50. */
  readonly fields: readonly string[]
  /** Records per page, at most 200. @default 200 */
  readonly perPage?: number
  readonly sortBy?: 'id' | 'Created_Time' | 'Modified_Time'
  readonly sortOrder?: 'asc' | 'desc'
  /** A custom view id. */
  readonly cvid?: string
  /** Only these record ids (at most 100). */
  readonly ids?: readonly string[]
  /** Only records modified since this instant (`If-Modified-Since`; 304 when nothing changed). */
  readonly modifiedSince?: Date | string
  /** Stop after this many records. */
  readonly maxRecords?: number
}

/** One page of a listing. */
export interface ZohoPage {
  readonly records: readonly ZohoRecord[]
  /** Zoho's `info` object, as received. */
  readonly info: PageInfo | undefined
  /** True for the single empty page of a 304 answer to `modifiedSince`. */
  readonly notModified: boolean
}

/** Zoho expects `If-Modified-Since` as ISO 8601 with an offset and no milliseconds. */
export function formatZohoDateTime(value: Date | string): string {
  if (typeof value === 'string') return value
  return value.toISOString().replace(/\.\d{3}Z$/, '+00:00')
}

/** Checks list options; invalid ones are programmer errors. */
export function checkListOptions(options: ListOptions): number {
  const perPage = options.perPage ?? 200
  if (options.fields.length === 0 || options.fields.length > 50) {
    throw new RangeError(
      `Zoho list: fields is mandatory and takes 1 to 50 api_names (got ${options.fields.length})`,
    )
  }
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 200) {
    throw new RangeError(`Zoho list: perPage must be an integer from 1 to 200 (got ${perPage})`)
  }
  return perPage
}

/**
 * Lists a module page by page. Uses `page` while the next page ends within the first 2,000 records and
 * `info.next_page_token` after that (Zoho refuses `page` past 2,000 with DISCRETE_PAGINATION_LIMIT_EXCEEDED).
 * Stops on `more_records: false`, on 204 (no content) and on 304 (not modified). An error is yielded once,
 * as the last item.
 */
export async function* listPages(
  call: ApiCall,
  module: string,
  options: ListOptions,
): AsyncGenerator<Result<ZohoPage, ZohoError>, void, undefined> {
  const perPage = checkListOptions(options)
  const base: Record<string, string> = { fields: options.fields.join(','), per_page: String(perPage) }
  if (options.sortBy) base.sort_by = options.sortBy
  if (options.sortOrder) base.sort_order = options.sortOrder
  if (options.cvid) base.cvid = options.cvid
  if (options.ids) base.ids = options.ids.join(',')
  const headers = options.modifiedSince
    ? { 'If-Modified-Since': formatZohoDateTime(options.modifiedSince) }
    : undefined
  const path = `/crm/v8/${encodeURIComponent(module)}`
  const fetchPage = (searchParams: Record<string, string>) =>
    call({ method: 'GET', path, searchParams, ...(headers ? { headers } : {}) }).map((response) => ({
      response,
      searchParams,
    }))
  let page = 1
  let pageToken: string | undefined
  let seen = 0
  // The next page is requested as soon as this one is decoded, before it is handed to the caller, so
  // Zoho builds and sends page N+1 while the caller reads page N. A caller that stops early leaves at
  // most one read in flight, whose Result is ignored.
  let pending = fetchPage({ ...base, page: '1' })
  for (;;) {
    const sent = await pending
    if (sent.isErr()) {
      yield err(sent.error)
      return
    }
    const { response, searchParams } = sent.value
    if (response.status === 304) {
      yield ok({ records: [], info: undefined, notModified: true })
      return
    }
    if (response.status === 204 || response.body.length === 0) return
    // The request is described for the error context only; a getter keeps the query string from being
    // rebuilt for every page that decodes.
    const request = {
      method: 'GET',
      get url() {
        return describeUrl({ url: path, searchParams })
      },
    }
    const decoded = decodeBody(response, recordsPage, request)
    if (decoded.isErr()) {
      yield err(decoded.error)
      return
    }
    const { data, info } = decoded.value
    const limit = options.maxRecords
    const records = limit !== undefined && seen + data.length > limit ? data.slice(0, limit - seen) : data
    seen += records.length
    const current = { records, info, notModified: false }
    if (info?.more_records !== true || (limit !== undefined && seen >= limit)) {
      yield ok(current)
      return
    }
    if (!pageToken && (page + 1) * perPage <= DISCRETE_PAGINATION_LIMIT) {
      page++
      pending = fetchPage({ ...base, page: String(page) })
    } else if (info.next_page_token) {
      pageToken = info.next_page_token
      pending = fetchPage({ ...base, page_token: pageToken })
    } else {
      yield ok(current)
      yield err(
        new ZohoError(
          'Decode',
          `Zoho reported more records of ${module} after ${seen} but sent no info.next_page_token, which is required past ${DISCRETE_PAGINATION_LIMIT} records`,
          { request },
        ),
      )
      return
    }
    yield ok(current)
  }
}
