import type { Io } from '../output.ts'
import { json, table } from '../output.ts'
import type { RegistryApi } from '../registry-api.ts'
import { report } from './registry-output.ts'

interface TenantBody {
  tenant: string
  name: string
  status: string
  version: number
  updatedAt: string
}

const line = (t: TenantBody) => `${t.tenant}  ${t.name}  ${t.status}  (version ${t.version})`

/** `edusync tenants list`. */
export async function tenantsListCommand(api: RegistryApi, io: Io, asJson: boolean): Promise<number> {
  return report(io, 'tenants list', await api.call('GET', '/tenants'), asJson, (body) => {
    const tenants = body.tenants as TenantBody[]
    if (tenants.length === 0) return 'no tenants registered'
    return table(
      tenants.map((t) => [t.tenant, t.name, t.status, String(t.version), t.updatedAt]),
      ['tenant', 'name', 'status', 'version', 'updated'],
    )
  })
}

/** `edusync tenants add SLUG --name NAME`. */
export async function tenantsAddCommand(
  api: RegistryApi,
  io: Io,
  slug: string,
  options: { name: string; suspended?: boolean },
  asJson: boolean,
): Promise<number> {
  const body = { tenant: slug, name: options.name, status: options.suspended ? 'suspended' : 'active' }
  return report(
    io,
    'tenants add',
    await api.call('POST', '/tenants', body),
    asJson,
    (t) => `added ${line(t as unknown as TenantBody)}`,
  )
}

/** `edusync tenants show SLUG`: the tenant, its connections (secrets masked), modules and schedules. */
export async function tenantsShowCommand(
  api: RegistryApi,
  io: Io,
  slug: string,
  asJson: boolean,
): Promise<number> {
  const tenant = await api.call('GET', `/tenants/${slug}`)
  if (tenant.status !== 200) return report(io, 'tenants show', tenant, asJson, () => '')
  const [connections, modules, schedules] = await Promise.all(
    ['connections', 'modules', 'schedules'].map((part) => api.call('GET', `/tenants/${slug}/${part}`)),
  )
  const all = {
    ...tenant.body,
    connections: connections?.body.connections,
    modules: modules?.body.modules,
    schedules: schedules?.body.schedules,
  }
  return report(io, 'tenants show', { status: 200, body: all }, asJson, () =>
    [
      line(tenant.body as unknown as TenantBody),
      `connections: ${json(all.connections)}`,
      `modules: ${json(all.modules)}`,
      `schedules: ${json(all.schedules)}`,
    ].join('\n'),
  )
}

/** `edusync tenants suspend SLUG` (and `--resume`): conditional on the version just read. */
export async function tenantsSuspendCommand(
  api: RegistryApi,
  io: Io,
  slug: string,
  options: { resume?: boolean },
  asJson: boolean,
): Promise<number> {
  const current = await api.call('GET', `/tenants/${slug}`)
  if (current.status !== 200) return report(io, 'tenants suspend', current, asJson, () => '')
  const status = options.resume ? 'active' : 'suspended'
  const answer = await api.call('PATCH', `/tenants/${slug}`, { status }, { 'if-match': current.etag ?? '' })
  return report(io, 'tenants suspend', answer, asJson, (t) => line(t as unknown as TenantBody))
}
