import { randomUUID } from 'node:crypto'
import type { Store } from '@edusync/core'
import { createSyncEngine } from '@edusync/core'
import type { ConfigApi } from '@edusync/core/config-api'
import type { Finance } from '@edusync/core/finance'
import { createFinance, createMemoryFinanceStore } from '@edusync/core/finance'
import type { NextFunction, Request, Response } from 'express'
import express from 'express'
import type { HostConfig } from './config.ts'
import type { HostServices, RequestContext } from './context.ts'
import { webhookLimits } from './limits.ts'
import type { Logger } from './logger.ts'
import { withModuleSwitches } from './module-switches.ts'
import type { MoodleSide } from './moodle/moodle-side.ts'
import { createMoodleSide } from './moodle/moodle-side.ts'
import type { QuickBooksHost } from './quickbooks/quickbooks-host.ts'
import { quickbooksRouter } from './quickbooks/quickbooks-routes.ts'
import { bulkSyncRoute } from './routes/bulk-sync.ts'
import { configApiRoute } from './routes/config-api.ts'
import { deleteRoute, quarantineRoute } from './routes/deletes.ts'
import { financeSyncRoute, schoolStatementRoute, studentStatementRoute } from './routes/finance.ts'
import { healthRoute } from './routes/health.ts'
import {
  eventsRoute,
  parkedRoute,
  quarantineListRoute,
  runsRoute,
  tombstonesRoute,
} from './routes/listing.ts'
import { moodleEventsRoute } from './routes/moodle-events.ts'
import { moodleProvisionRoute } from './routes/moodle-provision.ts'
import { moodleUsersRoute } from './routes/moodle-users.ts'
import { zohoWebhookRoute } from './routes/zoho-webhooks.ts'
import { createSyncCoalescer } from './sync-coalescer.ts'
import type { ZohoIntake } from './zoho/zoho-intake.ts'
import { createZohoIntake } from './zoho/zoho-intake.ts'

/** What {@link createApp} needs; everything else is built from it. */
export interface AppDeps {
  readonly config: HostConfig
  readonly store: Store
  readonly logger: Logger
  /** Resolves Zoho webhook bodies; built from the tenants' Zoho credentials when absent. */
  readonly zoho?: ZohoIntake
  /** The Moodle side; built from the tenants' configuration when absent. */
  readonly moodle?: MoodleSide
  /** QuickBooks connect flow and customer routes; not mounted when absent. */
  readonly quickbooks?: QuickBooksHost
  /** The finance API (see openFinance); an in-memory one when absent (tests, demos). */
  readonly finance?: Finance
  /** The configuration API (tenant registry), mounted under `/config` when given. */
  readonly configApi?: ConfigApi
  /** The tenants' module switches; a delivery for a switched-off module is acknowledged and skipped. */
  readonly moduleEnabled?: (tenant: string, entity: string) => boolean
}

/** The Express app plus the switch graceful shutdown flips (health then answers 503). */
export interface App {
  readonly app: express.Express
  readonly state: { shuttingDown: boolean }
  /** The Moodle side (its `drain` also runs at start, see main.ts). */
  readonly moodle: MoodleSide
}

const REQUEST_ID = /^[\w.:-]{1,100}$/

/**
 * Builds the host: routes -> core webhook handlers -> sync engine -> Store.
 *
 * Webhook routes get the raw byte stream (no body parser anywhere), so signatures are checked over
 * exactly what was sent.
 */
export function createApp(deps: AppDeps): App {
  const { config, store, logger } = deps
  // Webhook batches go through syncBatch (at most MAX_RECORDS_PER_WEBHOOK records); the bulk route
  // streams, so the engine's per-call record bound is the webhook one.
  const engine = createSyncEngine({ store, logger, limits: webhookLimits(config) })
  const services: HostServices = {
    config,
    store,
    engine,
    logger,
    zoho: deps.zoho ?? createZohoIntake({ config, logger }),
    coalescer: deps.moduleEnabled
      ? withModuleSwitches(createSyncCoalescer({ engine, logger }), { enabled: deps.moduleEnabled, store })
      : createSyncCoalescer({ engine, logger }),
    moodle: deps.moodle ?? createMoodleSide({ config, store, engine, logger }),
    finance: deps.finance ?? createFinance({ store, finance: createMemoryFinanceStore(), logger }),
  }
  const state = { shuttingDown: false }
  const app = express()
  app.disable('x-powered-by')
  app.set('query parser', 'simple')

  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint()
    const header = req.get('x-request-id')
    const requestId = header && REQUEST_ID.test(header) ? header : randomUUID()
    const ctx: RequestContext = { requestId, log: logger.child({ requestId }), params: {} }
    res.locals.ctx = ctx
    res.setHeader('x-request-id', requestId)
    // While shutting down, tell keep-alive clients not to reuse this connection.
    if (state.shuttingDown) res.setHeader('connection', 'close')
    res.on('finish', () => {
      // One line per request: ids, status, latency and outcome counts only. No query string (it may hold
      // the shared secret), no body, no headers.
      ctx.log.info('request', {
        method: req.method,
        path: req.path,
        status: res.statusCode,
        latencyMs: Number(process.hrtime.bigint() - started) / 1e6,
        tenant: ctx.tenant,
        counts: ctx.counts,
      })
    })
    next()
  })

  app.get('/health', healthRoute(services, state))
  app.post('/webhooks/:tenant/zoho', zohoWebhookRoute(services))
  app.post('/webhooks/:tenant/zoho/:module', zohoWebhookRoute(services))
  app.post('/webhooks/:tenant/moodle/events', moodleEventsRoute(services))
  app.post('/api/:tenant/moodle/courses', moodleProvisionRoute(services))
  app.post('/api/:tenant/moodle/users', moodleUsersRoute(services))
  app.post('/api/:tenant/sync/:entity', bulkSyncRoute(services))
  app.get('/api/:tenant/runs', runsRoute(services))
  app.get('/api/:tenant/parked', parkedRoute(services))
  app.get('/api/:tenant/events', eventsRoute(services))
  app.post('/api/:tenant/deletes/:entity', deleteRoute(services))
  app.get('/api/:tenant/deletions/quarantine', quarantineListRoute(services))
  app.post('/api/:tenant/deletions/quarantine/:id/approve', quarantineRoute(services, 'approve'))
  app.post('/api/:tenant/deletions/quarantine/:id/discard', quarantineRoute(services, 'discard'))
  app.get('/api/:tenant/tombstones', tombstonesRoute(services))
  if (deps.quickbooks) app.use(quickbooksRouter(services, deps.quickbooks))
  app.post('/api/:tenant/finance/:entity', financeSyncRoute(services))
  app.get('/api/:tenant/students/:id/statement', studentStatementRoute(services))
  app.get('/api/:tenant/statement', schoolStatementRoute(services))
  if (deps.configApi) app.all('/config{/*path}', configApiRoute(deps.configApi, config.MAX_BODY_BYTES))

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: { reason: 'NotFound', message: 'no such route' } })
  })
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const ctx = res.locals.ctx as RequestContext | undefined
    const status = clientErrorStatus(error)
    if (status !== undefined) {
      // The client's mistake (a malformed percent-encoding in the path, a body it stopped sending): a 4xx,
      // logged without the request's content.
      ctx?.log.info('malformed request', { status, error: (error as Error).message })
      if (!res.headersSent) {
        const reason = status === 413 ? 'PayloadTooLarge' : 'BadRequest'
        res.status(status).json({ error: { reason, message: 'malformed request' } })
      }
      return
    }
    ctx?.log.error('unhandled error', { error })
    if (!res.headersSent) res.status(500).json({ error: { reason: 'Internal', message: 'internal error' } })
  })
  return { app, state, moodle: services.moodle }
}

// Express (and body streams) mark errors caused by the request with a 4xx `status`; a request aborted
// mid-body surfaces as ECONNRESET / "aborted" with none.
function clientErrorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { status, statusCode, code } = error as { status?: unknown; statusCode?: unknown; code?: unknown }
  const marked = typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : undefined
  if (marked !== undefined && marked >= 400 && marked < 500) return marked
  if (code === 'ECONNRESET' || code === 'ECONNABORTED' || (error as Error).message === 'aborted') return 400
  return undefined
}
