import type { ConnectionSystem } from '../registry/connections.ts'
import {
  asStoredConnection,
  connectionSystems,
  maskConnection,
  openConnection,
  sealConnection,
} from '../registry/connections.ts'
import type { ConfigItem } from '../registry/registry.ts'
import { jsonResponse } from '../webhooks/responses.ts'
import type { RouteGroup } from './config-api.ts'
import { etag, jsonObject, problem, storeProblem } from './http.ts'
import { requireTenant } from './tenant-routes.ts'
import { deleteDocument, writeDocument } from './write-document.ts'

const masked = (item: ConfigItem) => ({
  system: item.key,
  ...maskConnection(asStoredConnection(item.value)),
  version: item.version,
  updatedAt: item.updatedAt.toISOString(),
})

/**
 * `GET /tenants/:t/connections`, `GET/PUT/DELETE /tenants/:t/connections/:system`,
 * `POST /tenants/:t/connections/:system/test`. Secrets are write-only: reads show `{ set, kid }`.
 */
export const connectionRoutes: RouteGroup = async (ctx) => {
  const { segments, request, options } = ctx
  if (segments[0] !== 'tenants' || segments[2] !== 'connections' || segments.length > 5) return undefined
  const tenant = await requireTenant(ctx, segments[1] as string)
  if (tenant instanceof Response) return tenant
  const slug = tenant.tenant

  if (segments.length === 3) {
    if (request.method !== 'GET')
      return problem(405, 'MethodNotAllowed', `${request.method} is not allowed here`)
    const items = await options.registry.listConfig(slug, 'connection')
    return items.isErr()
      ? storeProblem(items.error)
      : jsonResponse(200, { connections: items.value.map(masked) })
  }
  const system = segments[3] as ConnectionSystem
  if (!connectionSystems.includes(system)) {
    return problem(
      404,
      'NotFound',
      `no system ${JSON.stringify(system)}; one of ${connectionSystems.join(', ')}`,
    )
  }
  const found = await options.registry.getConfig(slug, 'connection', system)
  if (found.isErr()) return storeProblem(found.error)
  const item = found.value

  if (segments.length === 5) {
    if (segments[4] !== 'test' || request.method !== 'POST') return undefined
    if (!item) return problem(404, 'NotFound', `${slug} has no ${system} connection`)
    const tester = options.testConnection?.[system]
    if (!tester) return problem(501, 'NotImplemented', `this host cannot test ${system} connections`)
    const opened = openConnection(options.secrets, slug, system, asStoredConnection(item.value))
    if (opened.isErr()) return problem(500, 'Undecryptable', opened.error.message)
    const result = await tester({ tenant: slug, ...opened.value }).catch(
      (): { ok: false; message: string } => ({ ok: false, message: `${system} could not be reached` }),
    )
    return jsonResponse(result.ok ? 200 : 502, { system, ...result })
  }

  if (request.method === 'GET') {
    return item
      ? jsonResponse(200, masked(item), { etag: etag(item.version) })
      : problem(404, 'NotFound', `${slug} has no ${system} connection`)
  }
  if (request.method === 'DELETE') return deleteDocument(ctx, slug, 'connection', system)
  if (request.method !== 'PUT')
    return problem(405, 'MethodNotAllowed', `${request.method} is not allowed here`)

  const parsed = jsonObject(ctx.body)
  if ('error' in parsed) return parsed.error
  const { settings, secrets } = parsed.value
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    return problem(422, 'Invalid', 'settings must be an object', {
      issues: [{ path: 'settings', message: 'must be an object' }],
    })
  }
  if (secrets !== undefined && (typeof secrets !== 'object' || secrets === null || Array.isArray(secrets))) {
    return problem(422, 'Invalid', 'secrets must be an object of name -> string | null', {
      issues: [{ path: 'secrets', message: 'must be an object' }],
    })
  }
  const sealed = sealConnection(
    options.secrets,
    slug,
    system,
    {
      settings: settings as Record<string, unknown>,
      secrets: secrets as Record<string, string | null> | undefined,
    },
    item ? asStoredConnection(item.value) : undefined,
  )
  if (sealed.isErr())
    return problem(422, 'Invalid', `the ${system} connection is not valid`, { issues: sealed.error })
  return writeDocument(ctx, slug, 'connection', system, { ...sealed.value }, masked)
}
