import type { HandlerContext } from '@edusync/core/handlers'
import type { HostConfig, TenantConfig } from './config.ts'
import type { Logger } from './logging.ts'

/** Per-request state: the library's handler context plus the host's logger. */
export interface RequestContext extends HandlerContext {
  readonly requestId: string
  readonly log: Logger
}

/** The configuration of a tenant named in a route, or `undefined` (answered 404). */
export function tenantOf(config: HostConfig, id: string | undefined): TenantConfig | undefined {
  return id !== undefined && Object.hasOwn(config.tenants, id) ? config.tenants[id] : undefined
}
