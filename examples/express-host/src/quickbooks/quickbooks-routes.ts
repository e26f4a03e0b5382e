import type { TenantId } from '@edusync/core'
import type { CustomerSyncProgress, CustomerSyncReport, QuickBooksError } from '@edusync/quickbooks'
import {
  analyzeCustomers,
  connectQuickBooks,
  customerStatus,
  previewCustomers,
  retryFailedCustomers,
  syncCustomers,
} from '@edusync/quickbooks'
import type { NextFunction, Request, Response } from 'express'
import express from 'express'
import * as z from 'zod'
import { apiAuth } from '../auth.ts'
import type { HostConfig } from '../config.ts'
import type { RequestContext } from '../context.ts'
import { tenantOf } from '../context.ts'
import { zodIssues } from '../issues.ts'
import { toWebRequest } from '../web-adapter.ts'
import type { QuickBooksHost } from './quickbooks-host.ts'

const kinds = z.enum(['applicant', 'student'])
const previewQuery = z.object({
  kind: kinds.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  offset: z.coerce.number().int().min(0).default(0),
})
const syncBody = z.object({
  batch_size: z.number().int().min(1).max(1000).default(30),
  sync_applicants: z.boolean().default(true),
  sync_students: z.boolean().default(true),
})
const retryBody = z
  .object({ kind: kinds.optional(), ids: z.array(z.string().min(1)).min(1).max(1000).optional() })
  .refine((b) => (b.ids === undefined) === (b.kind === undefined), {
    message: 'give kind and ids together, or neither',
  })
const callbackQuery = z.object({
  code: z.string().min(1),
  state: z.string().min(1),
  realmId: z.string().regex(/^\d+$/),
})

interface Job {
  running: boolean
  startedAt: string
  progress: CustomerSyncProgress | null
  report: CustomerSyncReport | null
  error: { reason: string; message: string } | null
}

/** Status code and body of a QuickBooks failure (tokens never appear: messages are redacted). */
function failure(error: QuickBooksError): { status: number; body: unknown } {
  const status =
    error.reason === 'Auth'
      ? 409
      : error.reason === 'RateLimited' || error.retryable || error.reason === 'Store'
        ? 503
        : 502
  return {
    status,
    body: {
      error: {
        reason: error.reason,
        message: error.message,
        reconsent: error.reconsent,
        intuitTid: error.intuitTid ?? null,
      },
    },
  }
}

/**
 * The QuickBooks routes (the seed's customer API, per tenant, behind the tenant's API bearer token):
 * - `GET  /api/:tenant/quickbooks/connect` -> `{ url }` to send a person to for consent
 * - `GET  /quickbooks/callback?code&state&realmId` (Intuit redirects here) -> stores the tokens
 * - `GET  /api/:tenant/quickbooks/customers/analyze`
 * - `GET  /api/:tenant/quickbooks/customers/preview?kind=&limit=&offset=`
 * - `POST /api/:tenant/quickbooks/customers/sync` `{ batch_size, sync_applicants, sync_students }` -> 202, runs in the background
 * - `GET  /api/:tenant/quickbooks/customers/status` (ledger counts, failures, the running job's progress)
 * - `POST /api/:tenant/quickbooks/customers/retry` `{ kind?, ids? }` -> failed records due again
 */
export function quickbooksRouter(config: HostConfig, qb: QuickBooksHost): express.Router {
  const router = express.Router()
  const authenticate = apiAuth(config)
  const jobs = new Map<TenantId, Job>()

  const guard =
    (handler: (tenant: TenantId, req: Request, res: Response) => Promise<void>) =>
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        const ctx = res.locals.ctx as RequestContext
        const tenant = req.params.tenant as string | undefined
        if (tenant === undefined || tenantOf(config, tenant) === undefined || !qb.realmOf(tenant)) {
          res.status(404).json({
            error: { reason: 'NotFound', message: 'unknown tenant or no QuickBooks company configured' },
          })
          return
        }
        ctx.tenant = tenant
        const request = await toWebRequest(req)
        const auth = await authenticate({
          request,
          url: new URL(request.url),
          body: new Uint8Array(),
          tenant,
        })
        if (auth.isErr()) {
          res
            .status(auth.error.status)
            .json({ error: { reason: auth.error.reason, message: auth.error.message } })
          return
        }
        await handler(tenant, req, res)
      } catch (error) {
        next(error)
      }
    }

  const context = (tenant: TenantId) => ({
    client: qb.client(tenant)!,
    ledger: qb.deps.ledger,
    ...(qb.deps.store ? { store: qb.deps.store } : {}),
    lookups: qb.deps.lookups?.(tenant),
  })
  const subjects = (tenant: TenantId, wanted: ('applicant' | 'student')[]) =>
    qb.deps.subjects(tenant, new Set(wanted))

  router.get(
    '/api/:tenant/quickbooks/connect',
    guard(async (tenant, _req, res) => {
      res.status(200).json({ url: qb.oauth.authorizeUrl({ state: qb.state(tenant) }) })
    }),
  )

  router.get('/quickbooks/callback', async (req: Request, res: Response, next: NextFunction) => {
    try {
      const query = callbackQuery.safeParse(req.query)
      if (!query.success) {
        res.status(400).json({
          error: {
            reason: 'BadRequest',
            message: 'invalid callback',
            issues: zodIssues(query.error, req.query),
          },
        })
        return
      }
      const tenant = qb.readState(query.data.state)
      if (!tenant) {
        res.status(400).json({
          error: { reason: 'BadRequest', message: 'unknown or expired state: start the connection again' },
        })
        return
      }
      if (qb.realmOf(tenant) !== query.data.realmId) {
        res.status(409).json({
          error: {
            reason: 'Conflict',
            message: `this tenant is configured for another QuickBooks company than ${query.data.realmId}`,
          },
        })
        return
      }
      const connected = await connectQuickBooks(qb.oauth, qb.deps.tokenStore, tenant, {
        code: query.data.code,
        realmId: query.data.realmId,
      })
      if (connected.isErr()) {
        const f = failure(connected.error)
        res.status(f.status).json(f.body)
        return
      }
      ;(res.locals.ctx as RequestContext).tenant = tenant
      res.status(200).json({ connected: { tenant, realmId: connected.value.realmId } })
    } catch (error) {
      next(error)
    }
  })

  router.get(
    '/api/:tenant/quickbooks/customers/analyze',
    guard(async (tenant, _req, res) => {
      const result = await analyzeCustomers(subjects(tenant, ['applicant', 'student']), context(tenant))
      if (result.isErr()) {
        const f = failure(result.error)
        res.status(f.status).json(f.body)
        return
      }
      res.status(200).json({ success: true, data: result.value })
    }),
  )

  router.get(
    '/api/:tenant/quickbooks/customers/preview',
    guard(async (tenant, req, res) => {
      const query = previewQuery.safeParse(req.query)
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
      const wanted = query.data.kind ? [query.data.kind] : (['applicant', 'student'] as const)
      const result = await previewCustomers(subjects(tenant, [...wanted]), context(tenant), query.data)
      if (result.isErr()) {
        const f = failure(result.error)
        res.status(f.status).json(f.body)
        return
      }
      res.status(200).json({ success: true, data: result.value })
    }),
  )

  router.post(
    '/api/:tenant/quickbooks/customers/sync',
    express.json({ limit: '16kb' }),
    guard(async (tenant, req, res) => {
      const body = syncBody.safeParse(req.body ?? {})
      if (!body.success) {
        res.status(400).json({
          error: { reason: 'BadRequest', message: 'invalid body', issues: zodIssues(body.error, req.body) },
        })
        return
      }
      if (jobs.get(tenant)?.running) {
        res.status(409).json({
          error: { reason: 'Conflict', message: 'a customer sync is already running for this tenant' },
        })
        return
      }
      const wanted = [
        ...(body.data.sync_applicants ? (['applicant'] as const) : []),
        ...(body.data.sync_students ? (['student'] as const) : []),
      ]
      const job: Job = {
        running: true,
        startedAt: new Date().toISOString(),
        progress: null,
        report: null,
        error: null,
      }
      jobs.set(tenant, job)
      const log = (res.locals.ctx as RequestContext).log
      void syncCustomers(subjects(tenant, wanted), context(tenant), {
        batchSize: body.data.batch_size,
        worker: `express-host:${process.pid}`,
        pushedBy: 'express-host',
        onProgress: (p) => {
          job.progress = p
        },
      }).then((result) => {
        job.running = false
        if (result.isOk()) job.report = result.value
        else job.error = { reason: result.error.reason, message: result.error.message }
        log.info('quickbooks customer sync finished', { tenant, ok: result.isOk() })
      })
      res.status(202).json({
        success: true,
        data: { started: job.startedAt, status: `/api/${tenant}/quickbooks/customers/status` },
      })
    }),
  )

  router.get(
    '/api/:tenant/quickbooks/customers/status',
    guard(async (tenant, _req, res) => {
      const result = await customerStatus(context(tenant))
      if (result.isErr()) {
        const f = failure(result.error)
        res.status(f.status).json(f.body)
        return
      }
      res.status(200).json({ success: true, data: { ...result.value, job: jobs.get(tenant) ?? null } })
    }),
  )

  router.post(
    '/api/:tenant/quickbooks/customers/retry',
    express.json({ limit: '64kb' }),
    guard(async (tenant, req, res) => {
      const body = retryBody.safeParse(req.body ?? {})
      if (!body.success) {
        res.status(400).json({
          error: { reason: 'BadRequest', message: 'invalid body', issues: zodIssues(body.error, req.body) },
        })
        return
      }
      const only = body.data.kind && body.data.ids ? { kind: body.data.kind, ids: body.data.ids } : undefined
      const result = await retryFailedCustomers(context(tenant), only)
      if (result.isErr()) {
        const f = failure(result.error)
        res.status(f.status).json(f.body)
        return
      }
      res.status(200).json({ success: true, data: { reset: result.value } })
    }),
  )

  return router
}
