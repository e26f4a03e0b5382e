import type { TenantRecord } from '../registry/registry.ts'
import { TENANT_SLUG } from '../registry/registry-input.ts'
import { jsonResponse } from '../webhooks/responses.ts'
import type { RouteContext, RouteGroup } from './config-api.ts'
import { etag, expectedVersion, jsonObject, problem, staleProblem, storeProblem } from './http.ts'

/** A tenant as the API shows it. */
export const tenantBody = (t: TenantRecord) => ({
  tenant: t.tenant,
  name: t.name,
  status: t.status,
  version: t.version,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
})

/** Loads the path's tenant, or the response to send when it cannot be (404, 503). */
export async function requireTenant(ctx: RouteContext, slug: string): Promise<TenantRecord | Response> {
  if (!TENANT_SLUG.test(slug)) return problem(404, 'NotFound', `no tenant ${JSON.stringify(slug)}`)
  const found = await ctx.options.registry.getTenant(slug)
  if (found.isErr()) return storeProblem(found.error)
  return found.value ?? problem(404, 'NotFound', `no tenant ${JSON.stringify(slug)}`)
}

const STATUSES = ['active', 'suspended'] as const

/** `GET/POST /tenants`, `GET/PATCH /tenants/:tenant`. */
export const tenantRoutes: RouteGroup = async (ctx) => {
  const { segments, request, options } = ctx
  const audit = { actor: ctx.actor, now: ctx.now }
  if (segments[0] !== 'tenants' || segments.length > 2) return undefined

  if (segments.length === 1 && request.method === 'GET') {
    const list = await options.registry.listTenants()
    return list.isErr()
      ? storeProblem(list.error)
      : jsonResponse(200, { tenants: list.value.map(tenantBody) })
  }
  if (segments.length === 1 && request.method === 'POST') {
    const parsed = jsonObject(ctx.body)
    if ('error' in parsed) return parsed.error
    const { tenant, name, status = 'active' } = parsed.value
    const issues = [
      ...(typeof tenant === 'string' && TENANT_SLUG.test(tenant)
        ? []
        : [
            { path: 'tenant', message: `must be a slug (a-z, 0-9, "-"), received ${JSON.stringify(tenant)}` },
          ]),
      ...(typeof name === 'string' && name.trim() !== ''
        ? []
        : [{ path: 'name', message: `must be a non-empty string, received ${JSON.stringify(name)}` }]),
      ...(STATUSES.includes(status as never)
        ? []
        : [{ path: 'status', message: `must be active or suspended, received ${JSON.stringify(status)}` }]),
    ]
    if (issues.length > 0) return problem(422, 'Invalid', 'the tenant is not valid', { issues })
    const written = await options.registry.putTenant(
      tenant as string,
      { name: name as string, status: status as 'active' | 'suspended' },
      0,
      audit,
    )
    if (written.isErr()) return storeProblem(written.error)
    if (written.value.status === 'stale')
      return problem(409, 'Conflict', `tenant ${JSON.stringify(tenant)} exists`)
    await options.onChange?.(tenant as string)
    return jsonResponse(201, tenantBody(written.value.value), { etag: etag(written.value.value.version) })
  }

  const slug = segments[1] as string
  const current = await requireTenant(ctx, slug)
  if (current instanceof Response) return current
  if (request.method === 'GET') return jsonResponse(200, tenantBody(current), { etag: etag(current.version) })
  if (request.method !== 'PATCH')
    return problem(405, 'MethodNotAllowed', `${request.method} is not allowed here`)

  const expected = expectedVersion(request)
  if (expected === undefined || expected === 0) {
    return problem(428, 'PreconditionRequired', 'send If-Match with the ETag of the tenant you read')
  }
  const parsed = jsonObject(ctx.body)
  if ('error' in parsed) return parsed.error
  const name = parsed.value.name ?? current.name
  const status = parsed.value.status ?? current.status
  if (typeof name !== 'string' || name.trim() === '' || !STATUSES.includes(status as never)) {
    return problem(422, 'Invalid', 'name must be a non-empty string and status active or suspended', {
      issues: [
        { path: typeof name !== 'string' || name.trim() === '' ? 'name' : 'status', message: 'invalid' },
      ],
    })
  }
  const written = await options.registry.putTenant(
    slug,
    { name, status: status as 'active' | 'suspended' },
    expected,
    audit,
  )
  if (written.isErr()) return storeProblem(written.error)
  if (written.value.status === 'stale') return staleProblem(written.value.current)
  await options.onChange?.(slug)
  return jsonResponse(200, tenantBody(written.value.value), { etag: etag(written.value.value.version) })
}
