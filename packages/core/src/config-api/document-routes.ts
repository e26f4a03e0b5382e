import { allEntities } from '../entities/index.ts'
import { asStoredConnection, openConnection } from '../registry/connections.ts'
import { jsonResponse } from '../webhooks/responses.ts'
import type { RouteContext, RouteGroup } from './config-api.ts'
import { cronProblem } from './cron.ts'
import { etag, jsonObject, problem, storeProblem } from './http.ts'
import { requireTenant } from './tenant-routes.ts'
import { deleteDocument, itemBody, writeDocument } from './write-document.ts'

const NAME = /^[a-z][\w.:-]{0,99}$/

/**
 * `GET /tenants/:t/modules`, `PUT /tenants/:t/modules/:module` (`{ enabled }`);
 * `GET/PUT /tenants/:t/field-map`, `POST /tenants/:t/field-map/validate`;
 * `GET /tenants/:t/schedules`, `PUT/DELETE /tenants/:t/schedules/:step` (`{ cron, enabled? }`).
 */
export const documentRoutes: RouteGroup = async (ctx) => {
  const { segments } = ctx
  if (segments[0] !== 'tenants' || segments.length < 3) return undefined
  const group = segments[2]
  if (group !== 'modules' && group !== 'field-map' && group !== 'schedules') return undefined
  if (segments.length > 4) return undefined
  const tenant = await requireTenant(ctx, segments[1] as string)
  if (tenant instanceof Response) return tenant
  if (group === 'modules') return modules(ctx, tenant.tenant, segments[3])
  if (group === 'schedules') return schedules(ctx, tenant.tenant, segments[3])
  return fieldMap(ctx, tenant.tenant, segments[3])
}

const notAllowed = (method: string) => problem(405, 'MethodNotAllowed', `${method} is not allowed here`)

async function modules(ctx: RouteContext, tenant: string, module: string | undefined) {
  const { request, options } = ctx
  if (module === undefined) {
    if (request.method !== 'GET') return notAllowed(request.method)
    const items = await options.registry.listConfig(tenant, 'module')
    if (items.isErr()) return storeProblem(items.error)
    // A module without a switch syncs: every canonical entity is listed, switched or not.
    const switched = new Map(items.value.map((i) => [i.key, i]))
    const names = [...new Set([...allEntities.map((e) => e.name as string), ...switched.keys()])].sort()
    return jsonResponse(200, {
      modules: names.map((name) => ({
        module: name,
        enabled: switched.get(name)?.value.enabled !== false,
        version: switched.get(name)?.version ?? 0,
      })),
    })
  }
  if (!NAME.test(module)) return problem(404, 'NotFound', `no module ${JSON.stringify(module)}`)
  if (request.method !== 'PUT') return notAllowed(request.method)
  const parsed = jsonObject(ctx.body)
  if ('error' in parsed) return parsed.error
  if (typeof parsed.value.enabled !== 'boolean' || Object.keys(parsed.value).length !== 1) {
    return problem(422, 'Invalid', 'the body must be { "enabled": true | false }', {
      issues: [
        { path: 'enabled', message: `must be a boolean, received ${JSON.stringify(parsed.value.enabled)}` },
      ],
    })
  }
  return writeDocument(ctx, tenant, 'module', module, { enabled: parsed.value.enabled })
}

async function schedules(ctx: RouteContext, tenant: string, step: string | undefined) {
  const { request, options } = ctx
  if (step === undefined) {
    if (request.method !== 'GET') return notAllowed(request.method)
    const items = await options.registry.listConfig(tenant, 'schedule')
    if (items.isErr()) return storeProblem(items.error)
    return jsonResponse(200, { schedules: items.value.map((i) => ({ step: i.key, ...itemBody(i) })) })
  }
  if (!NAME.test(step)) return problem(404, 'NotFound', `no step ${JSON.stringify(step)}`)
  if (request.method === 'DELETE') return deleteDocument(ctx, tenant, 'schedule', step)
  if (request.method === 'GET') {
    const item = await options.registry.getConfig(tenant, 'schedule', step)
    if (item.isErr()) return storeProblem(item.error)
    return item.value
      ? jsonResponse(200, itemBody(item.value), { etag: etag(item.value.version) })
      : problem(404, 'NotFound', `${tenant} has no schedule for ${step}`)
  }
  if (request.method !== 'PUT') return notAllowed(request.method)
  const parsed = jsonObject(ctx.body)
  if ('error' in parsed) return parsed.error
  const { cron, enabled = true } = parsed.value
  const why =
    typeof cron === 'string' ? cronProblem(cron) : `must be a string, received ${JSON.stringify(cron)}`
  if (why !== undefined || typeof enabled !== 'boolean') {
    return problem(422, 'Invalid', 'the schedule is not valid', {
      issues: [why ? { path: 'cron', message: why } : { path: 'enabled', message: 'must be a boolean' }],
    })
  }
  return writeDocument(ctx, tenant, 'schedule', step, { cron: (cron as string).trim(), enabled })
}

async function fieldMap(ctx: RouteContext, tenant: string, action: string | undefined) {
  const { request, options } = ctx
  if (action === undefined && request.method === 'GET') {
    const item = await options.registry.getConfig(tenant, 'field-map', 'zoho')
    if (item.isErr()) return storeProblem(item.error)
    return item.value
      ? jsonResponse(200, itemBody(item.value), { etag: etag(item.value.version) })
      : jsonResponse(200, { kind: 'field-map', key: 'zoho', value: {}, version: 0 })
  }
  const validating = action === 'validate' && request.method === 'POST'
  if (!validating && !(action === undefined && request.method === 'PUT')) return notAllowed(request.method)
  const validate = options.validateFieldMap
  if (!validate)
    return problem(
      501,
      'NotImplemented',
      'this host has no field-map validator; maps are never saved unchecked',
    )
  const parsed = jsonObject(ctx.body)
  if ('error' in parsed) return parsed.error
  // Validated against the live metadata when the tenant has a Zoho connection.
  const zohoItem = await options.registry.getConfig(tenant, 'connection', 'zoho')
  if (zohoItem.isErr()) return storeProblem(zohoItem.error)
  let zoho:
    | { settings: Readonly<Record<string, unknown>>; secrets: Readonly<Record<string, string>> }
    | undefined
  if (zohoItem.value) {
    const opened = openConnection(options.secrets, tenant, 'zoho', asStoredConnection(zohoItem.value.value))
    if (opened.isErr()) return problem(500, 'Undecryptable', opened.error.message)
    zoho = opened.value
  }
  const validation = await validate({ tenant, overrides: parsed.value, ...(zoho ? { zoho } : {}) })
  if (!validation.valid) {
    return problem(422, 'Invalid', 'the field map does not match Zoho', { report: validation.report })
  }
  if (validating) return jsonResponse(200, { valid: true, report: validation.report })
  return writeDocument(ctx, tenant, 'field-map', 'zoho', parsed.value, (item) => ({
    ...itemBody(item),
    report: validation.report,
  }))
}
