import type { Finance, FinanceEntityName, FinanceError, StatementScope } from '@edusync/core/finance'
import { createWebhookHandler, parseBody, WebhookError } from '@edusync/core/webhooks'
import type { NextFunction, Request, Response } from 'express'
import { errAsync } from 'neverthrow'
import * as z from 'zod'
import { apiAuth } from '../auth.ts'
import type { HostServices, RequestContext } from '../context.ts'
import { tenantOf } from '../context.ts'
import { zodIssues } from '../issues.ts'
import { mount, routeTenant } from '../mount.ts'
import { toWebRequest } from '../web-adapter.ts'
import { readRecords } from './read-records.ts'

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
})

/**
 * `GET /api/:tenant/students/:id/statement?from=&to=&asOf=`: the student's account statements (one per
 * currency) for the period, aging as of `asOf`. Answers `{ statements, cache }`.
 */
export function studentStatementRoute(services: HostServices) {
  return statementRoute(services, statementQuery, (req) => ({ kind: 'student', id: String(req.params.id) }))
}

/**
 * `GET /api/:tenant/statement?school=&from=&to=&asOf=`: the whole school's statements; `school` defaults
 * to the tenant id.
 */
export function schoolStatementRoute(services: HostServices) {
  return statementRoute(services, schoolQuery, (_req, tenant, q) => ({
    kind: 'school',
    id: q.school ?? tenant,
  }))
}

/**
 * `POST /api/:tenant/finance/:entity` (`school`, `invoice`, `invoicePayment`): syncs canonical finance
 * records (`[...]` or `{"records": [...]}`); per-record outcomes say what was refused and why
 * (`overpayment`, `currency_mismatch`, ...). An `Idempotency-Key` header makes a retry replay the result.
 */
export function financeSyncRoute(services: HostServices) {
  const { config, store, finance } = services
  const handler = createWebhookHandler<readonly unknown[], RequestContext>({
    resolveTenant: routeTenant(config),
    authenticate: apiAuth(config),
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
  return mount(handler, config.MAX_BULK_BODY_BYTES)
}

function toWebhookError(error: FinanceError): WebhookError {
  if (error.reason === 'Store') {
    return error.retryable
      ? new WebhookError('Unavailable', 'storage is unavailable', { cause: error, retryAfter: 5 })
      : new WebhookError('Internal', 'storage failed', { cause: error })
  }
  return new WebhookError('BadRequest', error.message, { cause: error })
}

function statementRoute<S extends typeof statementQuery>(
  services: HostServices,
  schema: S,
  scopeOf: (req: Request, tenant: string, query: z.output<S>) => StatementScope,
) {
  const authenticate = apiAuth(services.config)
  const finance: Finance = services.finance
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const ctx = res.locals.ctx as RequestContext
      const tenant = req.params.tenant as string | undefined
      if (tenant === undefined || tenantOf(services.config, tenant) === undefined) {
        res.status(404).json({ error: { reason: 'NotFound', message: 'unknown tenant' } })
        return
      }
      ctx.tenant = tenant
      const request = await toWebRequest(req)
      const auth = await authenticate({ request, url: new URL(request.url), body: new Uint8Array(), tenant })
      if (auth.isErr()) {
        res
          .status(auth.error.status)
          .json({ error: { reason: auth.error.reason, message: auth.error.message } })
        return
      }
      const query = schema.safeParse(req.query)
      if (!query.success) {
        res.status(400).json({
          error: {
            reason: 'BadRequest',
            message: 'invalid query',
            issues: zodIssues(query.error, req.query),
          },
        })
        return
      }
      const q = query.data as z.output<S>
      const result = await finance.statements({
        tenant,
        scope: scopeOf(req, tenant, q),
        from: q.from,
        to: q.to,
        asOf: q.asOf,
        requestId: ctx.requestId,
        logger: ctx.log,
      })
      if (result.isErr()) {
        const e = result.error
        if (e.reason === 'Invalid') {
          res.status(400).json({ error: { reason: 'BadRequest', message: e.message } })
          return
        }
        if (e.retryable) res.setHeader('retry-after', '5')
        res
          .status(e.retryable ? 503 : 500)
          .json({ error: { reason: e.retryable ? 'Unavailable' : 'Internal', message: 'storage failed' } })
        return
      }
      res.status(200).json(result.value)
    } catch (error) {
      next(error)
    }
  }
}
