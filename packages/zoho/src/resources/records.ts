import type { Result, ResultAsync } from 'neverthrow'
import { err, ok } from 'neverthrow'
import { ZohoError } from '../errors.ts'
import type { ApiCall } from '../http/api-client.ts'
import { decodeBody } from '../http/decode.ts'
import type { ZohoRecord } from '../schemas/records.ts'
import { recordsPage } from '../schemas/records.ts'
import type { CoqlResult } from './coql.ts'
import { runCoql } from './coql.ts'
import type { ListOptions, ZohoPage } from './list.ts'
import { checkListOptions, listPages } from './list.ts'
import type { SearchOptions, SearchQuery } from './search.ts'
import { searchRecords } from './search.ts'
import type { UpsertOptions, WriteOptions, ZohoWriteResult } from './write.ts'
import { writeRecords } from './write.ts'

/** A record to write: field api_name -> value (lookups as `{ id }`). */
export type ZohoRecordInput = Readonly<Record<string, unknown>>

/** The Records API of one client. Every method returns a Result; nothing throws across this boundary. */
export interface RecordsApi {
  /** One record by id (`GET /crm/v8/{module}/{id}`); a missing record is a `NotFound` error. */
  get(
    module: string,
    id: string,
    options?: { readonly fields?: readonly string[] },
  ): ResultAsync<ZohoRecord, ZohoError>
  /**
   * Pages of a module, lazily: `for await (const page of client.records.list('BTEC_Students', { fields }))`.
   * Each item is a Result; an error ends the iteration. Past 2,000 records it pages by `page_token`.
   * Invalid options (no `fields`, more than 50 fields, `perPage` over 200) throw at the call.
   */
  list(module: string, options: ListOptions): AsyncIterable<Result<ZohoPage, ZohoError>>
  /** Every record matching a criteria (at most the first 2,000, a Zoho limit). */
  search(module: string, query: SearchQuery, options?: SearchOptions): ResultAsync<ZohoRecord[], ZohoError>
  /** One COQL select query. */
  coql(query: string): ResultAsync<CoqlResult, ZohoError>
  /** Inserts records, 100 per call; one result per record. Not retried on 5xx (a retry could duplicate). */
  insert(
    module: string,
    records: readonly ZohoRecordInput[],
    options?: WriteOptions,
  ): ResultAsync<ZohoWriteResult[], ZohoError>
  /** Updates records by their `id`, 100 per call; one result per record. */
  update(
    module: string,
    records: readonly ZohoRecordInput[],
    options?: WriteOptions,
  ): ResultAsync<ZohoWriteResult[], ZohoError>
  /** Inserts or updates by `duplicateCheckFields`, 100 per call; results carry `action`. */
  upsert(
    module: string,
    records: readonly ZohoRecordInput[],
    options?: UpsertOptions,
  ): ResultAsync<ZohoWriteResult[], ZohoError>
}

/** Builds the {@link RecordsApi} over an {@link ApiCall}. */
export function createRecordsApi(call: ApiCall): RecordsApi {
  const modulePath = (module: string) => `/crm/v8/${encodeURIComponent(module)}`
  return {
    get(module, id, options = {}) {
      const path = `${modulePath(module)}/${encodeURIComponent(id)}`
      const request = { method: 'GET', url: path }
      return call({
        method: 'GET',
        path,
        ...(options.fields ? { searchParams: { fields: options.fields.join(',') } } : {}),
      }).andThen((response): Result<ZohoRecord, ZohoError> => {
        if (response.status === 204 || response.body.length === 0) {
          return err(
            new ZohoError('NotFound', `no ${module} record with id ${id}`, {
              request,
              status: response.status,
            }),
          )
        }
        return decodeBody(response, recordsPage, request).andThen((page) => {
          const record = page.data[0]
          return record
            ? ok(record)
            : err(
                new ZohoError('NotFound', `no ${module} record with id ${id}`, {
                  request,
                  status: response.status,
                }),
              )
        })
      })
    },
    list(module, options) {
      checkListOptions(options)
      return { [Symbol.asyncIterator]: () => listPages(call, module, options) }
    },
    search: (module, query, options) => searchRecords(call, module, query, options),
    coql: (query) => runCoql(call, query),
    insert: (module, records, options = {}) =>
      writeRecords(call, { method: 'POST', path: modulePath(module), idempotent: false }, records, options),
    update: (module, records, options = {}) => {
      const missing = records.findIndex((r) => typeof r.id !== 'string' || r.id.length === 0)
      if (missing >= 0) throw new TypeError(`Zoho update: record ${missing} has no id string`)
      return writeRecords(
        call,
        { method: 'PUT', path: modulePath(module), idempotent: true },
        records,
        options,
      )
    },
    upsert: (module, records, options = {}) =>
      writeRecords(
        call,
        {
          method: 'POST',
          path: `${modulePath(module)}/upsert`,
          idempotent: true,
          ...(options.duplicateCheckFields
            ? { extra: { duplicate_check_fields: options.duplicateCheckFields } }
            : {}),
        },
        records,
        options,
      ),
  }
}
