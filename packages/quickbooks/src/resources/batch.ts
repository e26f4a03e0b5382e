import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import type { QuickBooksError } from '../errors.ts'
import type { ApiCall } from '../http/api-client.ts'
import { decodeJson } from '../http/decode.ts'
import { faultError } from '../http/error-mapping.ts'
import { faultFromJson } from '../http/fault.ts'
import { jsonBody } from '../http/json-body.ts'
import type { QbEntity } from '../schemas/entities.ts'
import { batchResponse } from '../schemas/entities.ts'
import { entityOf } from './entities.ts'

/** QuickBooks' maximum items per batch call (more is fault 1040). */
export const BATCH_LIMIT = 30

/** One operation of a batch. */
export type BatchOperation =
  | {
      readonly operation: 'create' | 'update' | 'delete'
      readonly entity: string
      readonly body: Readonly<Record<string, unknown>>
      /** `"void"` for voiding a sales transaction (with `operation: "update"`). */
      readonly optionsData?: string
    }
  | { readonly operation: 'query'; readonly entity: string; readonly query: string }

/** The result of one batch operation, at the same index as the operation. */
export type BatchItemResult =
  | { readonly ok: true; readonly entity?: QbEntity; readonly rows?: readonly QbEntity[] }
  | { readonly ok: false; readonly error: QuickBooksError }

/** The batch endpoint. */
export interface BatchApi {
  /**
   * Sends operations in calls of at most 30 items, each call with a deterministic `requestid` (a retried
   * call returns its first result). Resolves with one result per operation, in order; a per-item fault is
   * that item's error, never the whole call's. Items are independent: an entity created by one item is
   * not visible to another item of the same call.
   */
  run(operations: readonly BatchOperation[]): ResultAsync<readonly BatchItemResult[], QuickBooksError>
}

/** Creates the batch resource. */
export function createBatchApi(call: ApiCall): BatchApi {
  async function chunk(
    operations: readonly BatchOperation[],
  ): Promise<Result<BatchItemResult[], QuickBooksError>> {
    const items = operations.map((op, i) =>
      op.operation === 'query'
        ? { bId: `b${i}`, Query: op.query }
        : {
            bId: `b${i}`,
            operation: op.operation,
            ...(op.optionsData ? { optionsData: op.optionsData } : {}),
            [op.entity]: op.body,
          },
    )
    const answer = await call({
      method: 'POST',
      path: '/batch',
      body: jsonBody({ BatchItemRequest: items }),
      kind: 'batch',
    }).andThen((r) => decodeJson(r, batchResponse, 'a batch').map((body) => ({ body, r })))
    if (answer.isErr()) return err(answer.error)
    const byId = new Map(answer.value.body.BatchItemResponse.map((item) => [item.bId, item]))
    const request = { method: 'POST', url: '/batch' }
    return ok(
      operations.map((op, i): BatchItemResult => {
        const item = byId.get(`b${i}`)
        if (!item) {
          return {
            ok: false,
            error: faultError(
              {
                type: 'Missing',
                errors: [{ code: '', message: `no answer for item b${i}`, detail: '', element: undefined }],
              },
              { status: 200, request },
            ),
          }
        }
        const fault = faultFromJson(item)
        if (fault) {
          return {
            ok: false,
            error: faultError(fault, { status: 200, request, intuitTid: answer.value.r.intuitTid }),
          }
        }
        if (op.operation === 'query') {
          const rows = (item.QueryResponse as Record<string, unknown> | undefined)?.[op.entity]
          return { ok: true, rows: Array.isArray(rows) ? (rows as QbEntity[]) : [] }
        }
        const entity = entityOf(item, op.entity)
        return entity ? { ok: true, entity } : { ok: true }
      }),
    )
  }

  return {
    run(operations) {
      return new ResultAsync(
        (async (): Promise<Result<readonly BatchItemResult[], QuickBooksError>> => {
          const out: BatchItemResult[] = []
          for (let i = 0; i < operations.length; i += BATCH_LIMIT) {
            const part = await chunk(operations.slice(i, i + BATCH_LIMIT))
            if (part.isErr()) return err(part.error)
            out.push(...part.value)
          }
          return ok(out)
        })(),
      )
    },
  }
}
