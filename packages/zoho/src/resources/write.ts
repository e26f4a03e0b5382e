import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import { ZohoError } from '../errors.ts'
import type { ApiCall } from '../http/api-client.ts'
import { decodeBody } from '../http/decode.ts'
import { toZohoError } from '../http/error-mapping.ts'
import { writeResponse } from '../schemas/records.ts'

/** Zoho accepts at most 100 records per insert/update/upsert call. */
export const WRITE_CHUNK_SIZE = 100

/** Zoho automations a write may fire. */
export type ZohoTrigger = 'workflow' | 'approval' | 'blueprint' | 'pathfinder' | 'orchestration'

/** Options of insert and update. */
export interface WriteOptions {
  /**
   * Automations to run. Omitting `trigger` makes Zoho run workflows, which would send our own writes
   * back to us as webhooks; edusync therefore sends `[]` unless told otherwise. @default []
   */
  readonly trigger?: readonly ZohoTrigger[]
}

/** Options of upsert. */
export interface UpsertOptions extends WriteOptions {
  /** Unique fields that identify an existing record, e.g. `['Moodle_Grade_Composite_Key']`. */
  readonly duplicateCheckFields?: readonly string[]
}

/** The outcome of one record of a write, in input order. */
export type ZohoWriteResult = ZohoWriteSuccess | ZohoWriteFailure

/** A record Zoho wrote. */
export interface ZohoWriteSuccess {
  readonly status: 'success'
  /** Position in the input array. */
  readonly index: number
  /** The record's id (`details.id`). */
  readonly id: string
  /** `"SUCCESS"`. */
  readonly code: string
  /** Upsert only: whether the record was inserted or updated. */
  readonly action?: 'insert' | 'update'
  /** Upsert only: the field that matched an existing record. */
  readonly duplicateField?: string
  readonly details: Readonly<Record<string, unknown>>
}

/** A record Zoho did not write, with Zoho's reason. */
export interface ZohoWriteFailure {
  readonly status: 'error'
  readonly index: number
  /** Zoho's code (`INVALID_DATA`, `DUPLICATE_DATA`, ...), or the {@link ZohoError} reason when the whole chunk failed. */
  readonly code: string
  readonly message: string
  readonly apiName?: string
  /** Zoho's `json_path`, rebased to the input array (`$.data[137].Email`). */
  readonly jsonPath?: string
  readonly details?: Readonly<Record<string, unknown>>
  /** Set when the whole chunk failed (transport, auth, rate limit), not this record's data. */
  readonly error?: ZohoError
}

interface WriteCall {
  readonly method: 'POST' | 'PUT'
  readonly path: string
  readonly idempotent: boolean
  readonly extra?: Readonly<Record<string, unknown>>
}

/**
 * Writes records in chunks of 100 (chunks run in parallel under the client's concurrency cap) and reports
 * each record's outcome. 207 Multi-Status and an all-failed 400 are read item by item. A chunk that fails
 * as a whole marks its records as failed with `error`; only when every chunk failed as a whole is the
 * result an error.
 */
export function writeRecords(
  call: ApiCall,
  spec: WriteCall,
  records: readonly Readonly<Record<string, unknown>>[],
  options: WriteOptions,
): ResultAsync<ZohoWriteResult[], ZohoError> {
  const trigger = options.trigger ?? []
  const chunks: number[] = []
  for (let start = 0; start < records.length; start += WRITE_CHUNK_SIZE) chunks.push(start)
  const run = async (): Promise<Result<ZohoWriteResult[], ZohoError>> => {
    const outcomes = await Promise.all(
      chunks.map((start) =>
        writeChunk(call, spec, records.slice(start, start + WRITE_CHUNK_SIZE), start, trigger),
      ),
    )
    const firstError = outcomes.find((o) => o.isErr())
    if (firstError && outcomes.every((o) => o.isErr())) return err(firstError._unsafeUnwrapErr())
    const results: ZohoWriteResult[] = []
    outcomes.forEach((outcome, i) => {
      const start = chunks[i] as number
      const size = Math.min(WRITE_CHUNK_SIZE, records.length - start)
      if (outcome.isOk()) results.push(...outcome.value)
      else {
        for (let k = 0; k < size; k++) {
          results.push({
            status: 'error',
            index: start + k,
            code: outcome.error.code ?? outcome.error.reason,
            message: outcome.error.message,
            error: outcome.error,
          })
        }
      }
    })
    return ok(results)
  }
  return new ResultAsync(run())
}

async function writeChunk(
  call: ApiCall,
  spec: WriteCall,
  chunk: readonly Readonly<Record<string, unknown>>[],
  offset: number,
  trigger: readonly ZohoTrigger[],
): Promise<Result<ZohoWriteResult[], ZohoError>> {
  const sent = await call({
    method: spec.method,
    path: spec.path,
    json: { data: chunk, trigger, ...spec.extra },
    idempotent: spec.idempotent,
    acceptStatus: [400],
  })
  if (sent.isErr()) return err(sent.error)
  const request = { method: spec.method, url: spec.path }
  const decoded = decodeBody(sent.value, writeResponse, request)
  if (decoded.isErr() || decoded.value.data.length !== chunk.length) {
    // A 400 that is not an item list is a request-level rejection (e.g. INVALID_MODULE): report it as such.
    if (sent.value.status === 400) {
      return err(toZohoError(sent.value, request))
    }
    if (decoded.isErr()) return err(decoded.error)
    return err(
      new ZohoError(
        'Decode',
        `Zoho answered ${decoded.value.data.length} items for ${chunk.length} records`,
        {
          request,
          status: sent.value.status,
        },
      ),
    )
  }
  return ok(
    decoded.value.data.map((item, k): ZohoWriteResult => {
      const index = offset + k
      const details = item.details ?? {}
      if (item.status === 'success') {
        return {
          status: 'success',
          index,
          id: String(details.id ?? ''),
          code: item.code,
          ...(item.action === 'insert' || item.action === 'update' ? { action: item.action } : {}),
          ...(item.duplicate_field ? { duplicateField: item.duplicate_field } : {}),
          details,
        }
      }
      const jsonPath =
        typeof details.json_path === 'string'
          ? details.json_path.replace(/^\$\.data\[\d+\]/, `$.data[${index}]`)
          : undefined
      return {
        status: 'error',
        index,
        code: item.code,
        message: item.message ?? item.code,
        ...(typeof details.api_name === 'string' ? { apiName: details.api_name } : {}),
        ...(jsonPath ? { jsonPath } : {}),
        details,
      }
    }),
  )
}
