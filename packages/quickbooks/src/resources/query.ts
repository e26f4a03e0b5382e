import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import type { QuickBooksError } from '../errors.ts'
import type { ApiCall } from '../http/api-client.ts'
import { decodeJson } from '../http/decode.ts'
import type { QbEntity } from '../schemas/entities.ts'
import { queryResponse } from '../schemas/entities.ts'
import { MAX_RESULTS } from './query-text.ts'

/** Options of {@link QueryApi.pages}. */
export interface QueryOptions {
  /** Page size, 1..1000. @default 1000 */
  readonly pageSize?: number
}

/** The query endpoint. */
export interface QueryApi {
  /**
   * Pages through `SELECT * FROM <Entity> [WHERE ...] [ORDERBY ...]` (no STARTPOSITION/MAXRESULTS: the
   * iterator adds them: 1, 1001, 2001, ...). It stops at an empty `QueryResponse` or a short page; an error
   * is yielded once and ends the iteration.
   */
  pages(
    entity: string,
    statement: string,
    options?: QueryOptions,
  ): AsyncIterable<Result<readonly QbEntity[], QuickBooksError>>
  /** Every row of the query, all pages collected. */
  all(
    entity: string,
    statement: string,
    options?: QueryOptions,
  ): ResultAsync<readonly QbEntity[], QuickBooksError>
  /** `SELECT COUNT(*) FROM <Entity> [WHERE ...]`. */
  count(entity: string, where?: string): ResultAsync<number, QuickBooksError>
}

/** Creates the query resource. */
export function createQueryApi(call: ApiCall): QueryApi {
  const one = (statement: string) =>
    call({ method: 'GET', path: '/query', searchParams: { query: statement } })

  async function* pages(entity: string, statement: string, options: QueryOptions = {}) {
    const size = options.pageSize ?? MAX_RESULTS
    if (!Number.isInteger(size) || size < 1 || size > MAX_RESULTS) {
      throw new TypeError(`QuickBooks query: pageSize must be 1..${MAX_RESULTS}, got ${size}`)
    }
    for (let start = 1; ; start += size) {
      const answer = await one(`${statement} STARTPOSITION ${start} MAXRESULTS ${size}`)
      const decoded = answer.andThen((r) => decodeJson(r, queryResponse, `a query for ${entity}`))
      if (decoded.isErr()) {
        yield err(decoded.error)
        return
      }
      const rows = decoded.value.QueryResponse[entity]
      const list = Array.isArray(rows) ? (rows as QbEntity[]) : []
      if (list.length > 0) yield ok(list)
      if (list.length < size) return
    }
  }

  return {
    pages,
    all(entity, statement, options) {
      return new ResultAsync(
        (async (): Promise<Result<readonly QbEntity[], QuickBooksError>> => {
          const out: QbEntity[] = []
          for await (const page of pages(entity, statement, options)) {
            if (page.isErr()) return err(page.error)
            out.push(...page.value)
          }
          return ok(out)
        })(),
      )
    },
    count(entity, where) {
      return one(`SELECT COUNT(*) FROM ${entity}${where ? ` WHERE ${where}` : ''}`)
        .andThen((r) => decodeJson(r, queryResponse, `a count of ${entity}`))
        .map((r) => r.QueryResponse.totalCount ?? 0)
    },
  }
}
