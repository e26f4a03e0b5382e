import { AsyncResource } from 'node:async_hooks'
import { randomUUID } from 'node:crypto'
import type { ConfigApi } from '@edusync/core/config-api'
import type { NextFunction, Request, Response } from 'express'
import express from 'express'
import type { RequestContext } from './context.ts'
import { requestScope } from './logging.ts'
import type { MoodleSide } from './moodle/moodle-side.ts'
import { configApiRoute } from './routes/config-api.ts'
import { sendWebResponse, toWebRequest } from './web-adapter.ts'
import type { HostDeps, HostRoute, HostState } from './wiring.ts'
import { createHost, notFound } from './wiring.ts'

/** What {@link createApp} needs (configuration, Store, logger; Zoho clients and Moodle side optional). */
export interface AppDeps extends HostDeps {
  /** The configuration API (tenant registry), mounted under `/config` when given. */
  readonly configApi?: ConfigApi | undefined
}

/** The Express app plus the switch graceful shutdown flips (health then answers 503). */
export interface App {
  readonly app: express.Express
  readonly state: HostState
  /** The Moodle side (its `drain` also runs at start, see main.ts). */
  readonly moodle: MoodleSide
  /** Stops background work (QuickBooks syncs) at shutdown; see `Host.stopBackground`. */
  readonly stopBackground: () => Promise<void>
}

const REQUEST_ID = /^[\w.:-]{1,100}$/

/**
 * The Express host: a request id and a log line per request, then the library's handlers mounted from
 * the route table. Webhook routes get the raw bytes (no body parser anywhere), so signatures are checked
 * over exactly what was sent.
 */
export function createApp(deps: AppDeps): App {
  const { logger } = deps
  const state: HostState = { shuttingDown: false }
  const app = express()
  app.disable('x-powered-by')

  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint()
    const header = req.get('x-request-id')
    const requestId = header && REQUEST_ID.test(header) ? header : randomUUID()
    const ctx: RequestContext = { requestId, log: logger, params: {} }
    res.locals.ctx = ctx
    res.setHeader('x-request-id', requestId)
    // While shutting down, tell keep-alive clients not to reuse this connection.
    if (state.shuttingDown) res.setHeader('connection', 'close')
    requestScope.run({ requestId }, () => {
      res.on(
        'finish',
        // One line per request: ids, status, latency and outcome counts only. No query string (it may
        // hold the shared secret), no body, no headers.
        AsyncResource.bind(() =>
          logger.info('request', {
            method: req.method,
            path: req.path,
            status: res.statusCode,
            latencyMs: Number(process.hrtime.bigint() - started) / 1e6,
            tenant: (res.locals.ctx as RequestContext).tenant,
            counts: (res.locals.ctx as RequestContext).counts,
          }),
        ),
      )
      next()
    })
  })

  const { routes, moodle, stopBackground } = createHost(deps, state)
  for (const route of routes) {
    const method = route.method === 'GET' ? 'get' : 'post'
    app[method](route.path, mount(route))
  }

  if (deps.configApi) {
    app.all('/config{/*path}', configApiRoute(deps.configApi, deps.config.MAX_BODY_BYTES))
  }

  app.use((_req: Request, res: Response, next: NextFunction) => {
    sendWebResponse(res, notFound()).catch(next)
  })
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = clientErrorStatus(error)
    if (status !== undefined) {
      // The client's mistake (a malformed percent-encoding in the path, a body it stopped sending): a 4xx,
      // logged without the request's content.
      logger.info('malformed request', { status, error: (error as Error).message })
      if (!res.headersSent) {
        const reason = status === 413 ? 'PayloadTooLarge' : 'BadRequest'
        res.status(status).json({ error: { reason, message: 'malformed request' } })
      }
      return
    }
    logger.error('unhandled error', { error })
    if (!res.headersSent) res.status(500).json({ error: { reason: 'Internal', message: 'internal error' } })
  })
  return { app, state, moodle, stopBackground }
}

/** Mounts a web-standard library handler as an Express route, passing the route params. */
function mount(route: HostRoute) {
  return async (req: Request, res: Response, next: NextFunction) => {
    // The handler fills in tenant and counts on this context; the request log line reads them from here.
    const context: RequestContext = {
      ...(res.locals.ctx as RequestContext),
      params: req.params as Record<string, string>,
    }
    res.locals.ctx = context
    try {
      await sendWebResponse(res, await route.handler(await toWebRequest(req, route.maxBodyBytes), context))
    } catch (error) {
      next(error)
    }
  }
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
