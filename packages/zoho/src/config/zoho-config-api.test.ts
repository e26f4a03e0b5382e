import { randomBytes } from 'node:crypto'
import { createMemoryRegistry, createMemoryStore, createSecretBox, parseKeyRing } from '@edusync/core'
import { createConfigApi } from '@edusync/core/config-api'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ACCOUNTS, API, tokenBody } from '../__fixtures__/handlers.ts'
import { realSchoolFields } from '../__fixtures__/real-school.ts'
import { zohoConnectionTester } from './zoho-connection-tester.ts'
import { zohoFieldMapValidator } from './zoho-field-map-validator.ts'

const ADMIN = 'admin-token'
const REFRESH = '1000.c0ffee.refresh-token-secret'
const fieldCalls: string[] = []
const server = setupServer(
  http.post(`${ACCOUNTS}/oauth/v2/token`, async ({ request }) => {
    const form = new URLSearchParams(await request.text())
    const token = form.get('refresh_token') ?? new URL(request.url).searchParams.get('refresh_token')
    // Zoho answers a revoked refresh token with an `error` body (the SDK judges by `access_token`).
    return token === REFRESH ? HttpResponse.json(tokenBody()) : HttpResponse.json({ error: 'invalid_code' })
  }),
  http.get(`${API}/crm/v8/settings/fields`, ({ request }) => {
    const module = new URL(request.url).searchParams.get('module') ?? ''
    fieldCalls.push(module)
    const fields = (realSchoolFields as Record<string, unknown[]>)[module]
    return fields
      ? HttpResponse.json({ fields })
      : HttpResponse.json(
          {
            code: 'INVALID_MODULE',
            details: { resource_path_index: 0 },
            message: 'the module name given seems to be invalid',
            status: 'error',
          },
          { status: 400 },
        )
  }),
  http.get(`${API}/crm/v8/users`, ({ request }) =>
    new URL(request.url).searchParams.get('type') === 'CurrentUser'
      ? HttpResponse.json({
          users: [
            {
              id: '4150868000000225013',
              full_name: 'Ops Admin',
              email: 'ops@school.example',
              status: 'active',
              role: { name: 'CEO', id: '4150868000000026005' },
            },
          ],
          info: { per_page: 200, count: 1, page: 1, more_records: false },
        })
      : HttpResponse.json({}, { status: 204 }),
  ),
)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

function setup() {
  const registry = createMemoryRegistry()
  const box = createSecretBox(parseKeyRing(`k1:${randomBytes(32).toString('base64')}`)._unsafeUnwrap())
  const fast = { retry: { limit: 1, baseDelayMs: 1, maxDelayMs: 1 } }
  const api = createConfigApi({
    registry,
    secrets: box,
    store: createMemoryStore(),
    auth: { adminTokens: [ADMIN] },
    validateFieldMap: zohoFieldMapValidator({ client: fast }),
    testConnection: { zoho: zohoConnectionTester(fast) },
  })
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    api(
      new Request(`https://host.example/config${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN}`, ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    )
  return { registry, call }
}

describe('config API with the Zoho adapter', () => {
  let ctx: ReturnType<typeof setup>
  beforeEach(async () => {
    fieldCalls.length = 0
    ctx = setup()
    await ctx.call('POST', '/tenants', { tenant: 'acme', name: 'Acme School' })
    await ctx.call('PUT', '/tenants/acme/connections/zoho', {
      settings: { dataCenter: 'US', clientId: '1000.CLIENT' },
      secrets: { clientSecret: 'client-secret-value', refreshToken: REFRESH },
    })
  })

  it('refuses a field map naming an unknown Zoho field with 422 and the validation report', async () => {
    const response = await ctx.call('PUT', '/tenants/acme/field-map', {
      defaultCurrency: 'USD',
      modules: { student: { fields: { phone: 'Not_A_Field' } } },
    })
    expect(response.status).toBe(422)
    const body = (await response.json()) as { error: { report: { issues: unknown[] } } }
    expect(body.error.report.issues).toEqual([
      expect.objectContaining({
        entity: 'student',
        module: 'BTEC_Students',
        field: 'phone',
        zoho: 'Not_A_Field',
        problem: 'missing',
      }),
    ])
    expect((await ctx.registry.getConfig('acme', 'field-map', 'zoho'))._unsafeUnwrap()).toBeUndefined()
    // Checked against the live metadata of the modules the map uses.
    expect(fieldCalls).toContain('BTEC_Students')
  })

  it('saves a field map that matches the live metadata, returning the report', async () => {
    const response = await ctx.call('PUT', '/tenants/acme/field-map', { defaultCurrency: 'USD' })
    expect(response.status).toBe(201)
    const body = (await response.json()) as { value: unknown; report: { issues: unknown[] } }
    expect(body.value).toEqual({ defaultCurrency: 'USD' })
    expect(body.report.issues).toEqual([])
  })

  it('refuses overrides of the wrong shape, naming the field', async () => {
    const response = await ctx.call('POST', '/tenants/acme/field-map/validate', {
      modules: { student: { fieldz: {} } },
    })
    expect(response.status).toBe(422)
    expect(JSON.stringify(await response.json())).toContain('fieldz')
  })

  it('tests the Zoho connection with a token refresh and the current user', async () => {
    const ok = await ctx.call('POST', '/tenants/acme/connections/zoho/test')
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({
      system: 'zoho',
      ok: true,
      detail: 'signed in as Ops Admin <ops@school.example>',
    })
    await ctx.call(
      'PUT',
      '/tenants/acme/connections/zoho',
      { settings: { dataCenter: 'US', clientId: '1000.CLIENT' }, secrets: { refreshToken: '1000.revoked' } },
      { 'if-match': '"1"' },
    )
    const refused = await ctx.call('POST', '/tenants/acme/connections/zoho/test')
    expect(refused.status).toBe(502)
    const text = await refused.text()
    expect(text).toContain('"ok":false')
    expect(text).not.toContain('1000.revoked')
  })
})
