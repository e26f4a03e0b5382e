import type { OutcomeCounts } from '../store/store.ts'
import type { SyncLogger } from '../sync/sync-engine.ts'
import type { TenantId } from '../types/primitives.ts'

/**
 * A logger the handlers can hand to the engine; `child` (when present) binds fields to every line, e.g.
 * the request ids a shared batch served. A pino logger fits through a three-line adapter.
 */
export interface HandlerLogger extends SyncLogger {
  child?(fields: Record<string, unknown>): SyncLogger
}

/**
 * What a host passes to every library handler next to the web-standard `Request`: the route parameters
 * its router resolved, and optionally a request id and a logger bound to it. The handler writes back
 * `tenant` and `counts` so the host's request log line can report them.
 *
 * @example
 * ```ts
 * // Hono
 * app.post('/api/:tenant/sync/:entity', (c) => bulkSync(c.req.raw, { params: c.req.param() }))
 * // Next.js (app/api/[tenant]/sync/[entity]/route.ts)
 * export const POST = async (req: Request, { params }) => bulkSync(req, { params: await params })
 * ```
 */
export interface HandlerContext {
  /** Route parameters: `tenant` always; `entity` (bulk sync) and `module` (Zoho) where the route has them. */
  readonly params: Readonly<Record<string, string | undefined>>
  /** The request id, for log lines (and named in the runs a request records). */
  readonly requestId?: string | undefined
  /** Where the handler and the engine log; bound to the request by the host. @default no logging */
  readonly log?: HandlerLogger | undefined
  /** Set by the handler once the tenant is known (for the host's request log). */
  tenant?: TenantId | undefined
  /** Set by the handler when records were synced (for the host's request log). */
  counts?: OutcomeCounts | undefined
}

/**
 * Whether a tenant named in a route exists. Unknown tenants are answered 404 before anything else is
 * read, and known ones are then held to their own credentials, so naming a tenant reaches nothing.
 */
export type TenantLookup = (tenant: TenantId) => boolean | Promise<boolean>

/** The tenant from `context.params.tenant`, if {@link TenantLookup} knows it; records it on the context. */
export function routeTenant(knownTenant: TenantLookup) {
  return async (_request: Request, context: HandlerContext): Promise<TenantId | undefined> => {
    const id = context.params.tenant
    if (id === undefined || id === '' || !(await knownTenant(id))) return undefined
    context.tenant = id
    return id
  }
}
