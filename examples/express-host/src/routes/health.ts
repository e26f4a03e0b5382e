import type { Request, Response } from 'express'
import type { HostServices } from '../context.ts'

/**
 * `GET /health`: 200 when the Store answers a query, 503 otherwise (with `Retry-After`), so a load
 * balancer, and the Moodle plugin's periodic check, can tell.
 */
export function healthRoute(services: HostServices, state: { shuttingDown: boolean }) {
  return async (_req: Request, res: Response) => {
    if (state.shuttingDown) {
      res.status(503).setHeader('retry-after', '5').json({ status: 'shutting-down' })
      return
    }
    const probe = await services.store.listRuns('__health__', { limit: 1 })
    if (probe.isErr()) {
      res.status(503).setHeader('retry-after', '5').json({ status: 'unavailable', store: services.store.id })
      return
    }
    res.status(200).json({ status: 'ok', store: services.store.id })
  }
}
