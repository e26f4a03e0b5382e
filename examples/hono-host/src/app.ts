import { randomUUID } from 'node:crypto'
import type { AppDeps } from '@edusync/example-express-host/app'
import type { RequestContext } from '@edusync/example-express-host/context'
import { requestScope } from '@edusync/example-express-host/logging'
import type { MoodleSide } from '@edusync/example-express-host/moodle-side'
import type { HostState } from '@edusync/example-express-host/wiring'
import { createHost, notFound } from '@edusync/example-express-host/wiring'
import { Hono } from 'hono'

const REQUEST_ID = /^[\w.:-]{1,100}$/

/** The Hono app's environment: the per-request context every route reads. */
export type HostEnv = { Variables: { ctx: RequestContext } }

/**
 * The Hono host: the same route table of library handlers the Express host mounts, the same request id
 * and request log line. Hono speaks `Request`/`Response`, so a handler is mounted as is.
 */
export function createHonoApp(deps: AppDeps): {
  app: Hono<HostEnv>
  state: HostState
  moodle: MoodleSide
  stopBackground: () => Promise<void>
} {
  const { logger } = deps
  const state: HostState = { shuttingDown: false }
  const app = new Hono<HostEnv>()

  // A malformed percent-encoding in the path is the client's mistake (400, as the Express host answers),
  // checked before routing decodes path parameters.
  app.use(async (c, next) => {
    try {
      decodeURIComponent(new URL(c.req.url).pathname)
    } catch {
      return Response.json({ error: { reason: 'BadRequest', message: 'malformed request' } }, { status: 400 })
    }
    return next()
  })

  app.use(async (c, next) => {
    const started = process.hrtime.bigint()
    const header = c.req.header('x-request-id')
    const requestId = header && REQUEST_ID.test(header) ? header : randomUUID()
    const ctx: RequestContext = { requestId, log: logger, params: {} }
    c.set('ctx', ctx)
    await requestScope.run({ requestId }, async () => {
      await next()
      c.res.headers.set('x-request-id', requestId)
      // While shutting down, tell keep-alive clients not to reuse this connection.
      if (state.shuttingDown) c.res.headers.set('connection', 'close')
      // One line per request: ids, status, latency and outcome counts only (no query, body or headers).
      const done = c.get('ctx')
      logger.info('request', {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        latencyMs: Number(process.hrtime.bigint() - started) / 1e6,
        tenant: done.tenant,
        counts: done.counts,
      })
    })
  })

  const { routes, moodle, stopBackground } = createHost({ name: 'hono-host', ...deps }, state)
  for (const route of routes) {
    app.on(route.method, route.path, (c) => {
      const context: RequestContext = { ...c.get('ctx'), params: c.req.param() }
      c.set('ctx', context)
      return route.handler(c.req.raw, context)
    })
  }

  app.notFound(() => notFound())
  app.onError((error) => {
    logger.error('unhandled error', { error })
    return Response.json({ error: { reason: 'Internal', message: 'internal error' } }, { status: 500 })
  })
  return { app, state, moodle, stopBackground }
}
