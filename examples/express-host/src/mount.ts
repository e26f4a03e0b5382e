import type { WebhookHandler } from '@edusync/core/webhooks'
import type { NextFunction, Request, Response } from 'express'
import type { HostConfig } from './config.ts'
import type { RequestContext } from './context.ts'
import { tenantOf } from './context.ts'
import { sendWebResponse, toWebRequest } from './web-adapter.ts'

/** Mounts a web-standard handler as an Express route, passing the request's context. */
export function mount(handler: WebhookHandler<RequestContext>, maxBodyBytes: number) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const ctx = res.locals.ctx as RequestContext
    ctx.params = req.params as Record<string, string>
    try {
      await sendWebResponse(res, await handler(await toWebRequest(req, maxBodyBytes), ctx))
    } catch (error) {
      next(error)
    }
  }
}

/**
 * Resolves the tenant from the route (`/:tenant/...`), only if it is configured; the handler then checks
 * that tenant's own secrets, so a caller cannot reach a tenant by naming it.
 */
export function routeTenant(config: HostConfig) {
  return (_request: globalThis.Request, ctx: RequestContext): string | undefined => {
    const id = ctx.params.tenant
    if (tenantOf(config, id) === undefined) return undefined
    ctx.tenant = id
    return id
  }
}
