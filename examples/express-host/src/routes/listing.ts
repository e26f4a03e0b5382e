import type { SyncRunStatus } from '@edusync/core'
import type { NextFunction, Request, Response } from 'express'
import * as z from 'zod'
import { apiAuth } from '../auth.ts'
import type { HostServices, RequestContext } from '../context.ts'
import { tenantOf } from '../context.ts'
import { zodIssues } from '../issues.ts'
import { toWebRequest } from '../web-adapter.ts'

const runsQuery = z.object({
  step: z.string().min(1).optional(),
  status: z.enum(['pending', 'running', 'completed', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
})

const parkedQuery = z.object({
  entity: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})

const eventsQuery = z.object({
  source: z.string().min(1).optional(),
  type: z.string().min(1).optional(),
  // Not z.coerce.boolean(): it reads "false" as true.
  handled: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})

/** `GET /api/:tenant/runs?step=&status=&limit=`: sync runs, newest first. */
export function runsRoute(services: HostServices) {
  return guarded(services, runsQuery, (tenant, q) =>
    services.store
      .listRuns(tenant, { step: q.step, status: q.status as SyncRunStatus | undefined, limit: q.limit })
      .map((runs) => ({ runs })),
  )
}

/** `GET /api/:tenant/parked?entity=&limit=`: DEFERRED records, oldest first, with what they wait for. */
export function parkedRoute(services: HostServices) {
  return guarded(services, parkedQuery, (tenant, q) =>
    services.store.listParked(tenant, { entity: q.entity, limit: q.limit }).map((parked) => ({ parked })),
  )
}

/**
 * `GET /api/:tenant/events?source=&type=&handled=&limit=`: the inbound-event inbox (e.g. Moodle plugin
 * events), oldest first; `handled=false` lists what still waits for a handler.
 */
export function eventsRoute(services: HostServices) {
  return guarded(services, eventsQuery, (tenant, q) =>
    services.store
      .listEvents(tenant, { source: q.source, type: q.type, handled: q.handled, limit: q.limit })
      .map((events) => ({ events })),
  )
}

const quarantineQuery = z.object({
  status: z.enum(['pending', 'approved', 'discarded']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})

const tombstonesQuery = z.object({
  entity: z.string().min(1).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})

/**
 * `GET /api/:tenant/deletions/quarantine?status=&limit=`: deletion waves the mass-deletion guard held,
 * oldest first, each with why and everything it would delete.
 */
export function quarantineListRoute(services: HostServices) {
  return guarded(services, quarantineQuery, (tenant, q) =>
    services.store.listQuarantine(tenant, { status: q.status, limit: q.limit }).map((waves) => ({ waves })),
  )
}

/**
 * `GET /api/:tenant/tombstones?entity=&since=&limit=`: the deletion feed, oldest deletion first, each with
 * the record's last data, source and reason. An outbound pusher passes the last `deletedAt` it saw as `since`.
 */
export function tombstonesRoute(services: HostServices) {
  return guarded(services, tombstonesQuery, (tenant, q) =>
    services.store
      .listTombstones(tenant, {
        entity: q.entity,
        since: q.since === undefined ? undefined : new Date(q.since),
        limit: q.limit,
      })
      .map((tombstones) => ({ tombstones })),
  )
}

type Query<S extends z.ZodType> = z.output<S>

// Listing endpoints share the bulk API's bearer token; they read, so there is no body and no idempotency.
function guarded<S extends z.ZodType>(
  services: HostServices,
  schema: S,
  list: (
    tenant: string,
    query: Query<S>,
  ) => import('neverthrow').ResultAsync<unknown, import('@edusync/core').StoreError>,
) {
  const authenticate = apiAuth(services.config)
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
      const result = await list(tenant, query.data)
      if (result.isErr()) {
        const retryable = result.error.retryable
        if (retryable) res.setHeader('retry-after', '5')
        res
          .status(retryable ? 503 : 500)
          .json({ error: { reason: retryable ? 'Unavailable' : 'Internal', message: 'storage failed' } })
        return
      }
      res.status(200).json(result.value)
    } catch (error) {
      next(error)
    }
  }
}
