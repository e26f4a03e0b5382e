import type { Store } from '@edusync/core'
import { toParseIssues } from '@edusync/core'
import type { Finance, FinanceEntityName, FinanceError, StatementScope } from '@edusync/core/finance'
import type { HandlerContext } from '@edusync/core/handlers'
import { readRecords, routeTenant } from '@edusync/core/handlers'
import type { WebhookHandler } from '@edusync/core/webhooks'
import { createWebhookHandler, parseBody, WebhookError } from '@edusync/core/webhooks'
import { err, errAsync, ok } from 'neverthrow'
import * as z from 'zod'
import { apiAuth } from './auth.ts'
import type { HostConfig } from './config.ts'
import { tenantOf } from './context.ts'

const FINANCE_ENTITIES: readonly FinanceEntityName[] = ['school', 'invoice', 'invoicePayment']

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date YYYY-MM-DD' })
const statementQuery = z.object({
  from: date,
  to: date,
  /** Aging date; defaults to today (UTC) by the finance clock. */
  asOf: date.optional(),
})
const schoolQuery = statementQuery.extend({
  /** The school; defaults to the tenant id (a tenant that is one school). */
  school: z.string().min(1).max(200).optional(),
  /**
   * `summary` (default): one row per student (opening, debits, credits, closing, aging), computed with
   * aggregates; `lines`: every line of every student with the running balance (a school's year is
   * hundreds of thousands of lines: ask a student's statement for its lines instead).
   */
  view: z.enum(['summary', 'lines']).optional(),
})

/** The finance endpoints, as handlers of the host's route table. */
export interface FinanceHandlers {
  /**
   * `POST /api/:tenant/finance/:entity` (`school`, `invoice`, `invoicePayment`): syncs canonical finance
   * records (`[...]` or `{"records": [...]}`); per-record outcomes say what was refused and why
   * (`overpayment`, `currency_mismatch`, ...). An `Idempotency-Key` header makes a retry replay the result.
   */
  readonly sync: WebhookHandler<HandlerContext>
  /**
   * `GET /api/:tenant/students/:id/statement?from=&to=&asOf=`: the student's account statements (one per
   * currency) for the period, aging as of `asOf`. Answers `{ statements, cache }`.
   */
  readonly studentStatement: WebhookHandler<HandlerContext>
  /**
   * `GET /api/:tenant/statement?school=&from=&to=&asOf=&view=`: the school's account (`school` defaults to
   * the tenant): per-student summaries `{ summaries, cache }` by default, or with `view=lines` the full
   * statements `{ statements, cache }`.
   */
  readonly schoolStatement: WebhookHandler<HandlerContext>
}

/** Builds the finance handlers over `finance` (keys claimed in `store`), behind the tenant's API token. */
export function financeHandlers(config: HostConfig, store: Store, finance: Finance): FinanceHandlers {
  const base = {
    resolveTenant: routeTenant((t) => tenantOf(config, t) !== undefined),
    authenticate: apiAuth(config),
  }
  const sync = createWebhookHandler<readonly unknown[], HandlerContext>({
    ...base,
    maxBodyBytes: config.MAX_BULK_BODY_BYTES,
    read: (body, request) => parseBody(body, request.headers.get('content-type')).andThen(readRecords),
    idempotency: { store, sender: 'api-finance' },
    process: ({ tenant, payload, context }) => {
      const entity = context.params.entity as FinanceEntityName
      if (!FINANCE_ENTITIES.includes(entity)) {
        return errAsync(
          new WebhookError(
            'NotFound',
            `unknown finance entity "${entity}" (known: ${FINANCE_ENTITIES.join(', ')})`,
          ),
        )
      }
      return finance
        .syncBatch({ tenant, entity, records: payload, requestId: context.requestId, logger: context.log })
        .map((result) => {
          context.counts = result.counts
          return { status: 200, body: result }
        })
        .mapErr(toWebhookError)
    },
  })
  const statement = <S extends typeof statementQuery>(
    schema: S,
    scopeOf: (context: HandlerContext, tenant: string, query: z.output<S>) => StatementScope,
  ) =>
    createWebhookHandler<z.output<S>, HandlerContext>({
      ...base,
      maxBodyBytes: 0,
      read: (_body, request) => {
        const query = Object.fromEntries(new URL(request.url).searchParams)
        const parsed = schema.safeParse(query)
        return parsed.success
          ? ok(parsed.data as z.output<S>)
          : err(
              new WebhookError('BadRequest', 'invalid query', {
                issues: toParseIssues(parsed.error.issues, query),
              }),
            )
      },
      process: ({ tenant, payload: q, context }) => {
        const request = {
          tenant,
          scope: scopeOf(context, tenant, q),
          from: q.from,
          to: q.to,
          asOf: q.asOf,
          requestId: context.requestId,
          logger: context.log,
        }
        const read =
          request.scope.kind === 'school' && (q as { view?: string }).view !== 'lines'
            ? finance.statementSummaries(request)
            : finance.statements(request)
        return read.map((body) => ({ status: 200, body })).mapErr(statementError)
      },
    })
  return {
    sync,
    studentStatement: statement(statementQuery, (context) => ({
      kind: 'student',
      id: String(context.params.id),
    })),
    schoolStatement: statement(schoolQuery, (_context, tenant, q) => ({
      kind: 'school',
      id: q.school ?? tenant,
    })),
  }
}

function statementError(error: FinanceError): WebhookError {
  if (error.reason === 'Invalid') return new WebhookError('BadRequest', error.message, { cause: error })
  return error.retryable
    ? new WebhookError('Unavailable', 'storage failed', { cause: error, retryAfter: 5 })
    : new WebhookError('Internal', 'storage failed', { cause: error })
}

function toWebhookError(error: FinanceError): WebhookError {
  if (error.reason === 'Store') {
    return error.retryable
      ? new WebhookError('Unavailable', 'storage failed', { cause: error, retryAfter: 5 })
      : new WebhookError('Internal', 'storage failed', { cause: error })
  }
  return new WebhookError('BadRequest', error.message, { cause: error })
}
