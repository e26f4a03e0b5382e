import type { PgStore } from '@edusync/store-pg'
import { createPgStore } from '@edusync/store-pg'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TestHost } from './host.ts'
import { post, SECRETS, startHost, tenant } from './host.ts'
import { IDS, zohoProgram, zohoRegistration, zohoStudent } from './zoho-fixtures.ts'

// Zoho at the HTTP boundary, answering like the real EU data center (api-facts.md §1.1-1.3).
const TOKEN_URL = 'https://accounts.zoho.eu/oauth/v2/token'
const API = 'https://www.zohoapis.eu/crm/v8'
const fetched: string[] = []
let tokenRequests = 0

const zoho = setupServer(
  http.post(TOKEN_URL, () => {
    tokenRequests += 1
    return HttpResponse.json({
      access_token: '1000.4f6b3c1d2e5a7b9c8d0e1f2a3b4c5d6e.7f8e9d0c1b2a3f4e5d6c7b8a9f0e1d2c',
      api_domain: 'https://www.zohoapis.eu',
      token_type: 'Bearer',
      expires_in: 3600,
    })
  }),
  http.get(`${API}/:module`, ({ request, params }) => {
    const url = new URL(request.url)
    if (request.headers.get('authorization')?.startsWith('Zoho-oauthtoken 1000.') !== true) {
      return HttpResponse.json(
        { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' },
        { status: 401 },
      )
    }
    const ids = (url.searchParams.get('ids') ?? '').split(',')
    fetched.push(`${String(params.module)}:${ids.join(',')}`)
    const known: Record<string, Record<string, unknown>> = {
      [IDS.registration]: zohoRegistration(),
      [IDS.student]: zohoStudent(),
      [IDS.program]: zohoProgram(),
    }
    const data = ids.map((id) => known[id]).filter((r) => r !== undefined)
    if (data.length === 0) return new HttpResponse(null, { status: 204 })
    return HttpResponse.json({
      data,
      info: {
        per_page: 200,
        next_page_token: null,
        count: data.length,
        sort_by: 'id',
        page: 1,
        previous_page_token: null,
        page_token_expiry: null,
        sort_order: 'desc',
        more_records: false,
      },
    })
  }),
)

let pg: PgStore
let host: TestHost
const zohoCredentials = {
  clientId: '1000.ABCDEFGHIJKLMNOPQRSTUVWXYZ0123',
  clientSecret: 'client-secret-never-logged-0000',
  refreshToken: '1000.refresh.token.never.logged.0000',
  dataCenter: 'EU' as const,
  environment: 'production' as const,
}

beforeAll(async () => {
  zoho.listen({ onUnhandledRequest: 'bypass' })
  pg = createPgStore({})
  host = await startHost({ store: pg, tenants: { acme: tenant({ zoho: zohoCredentials }), bare: tenant() } })
  const seed = (module: string, record: Record<string, unknown>) =>
    post(
      `${host.url}/webhooks/acme/zoho/${module}`,
      { data: [record] },
      { 'x-edusync-secret': SECRETS.zohoSecret },
    )
  expect((await seed('Products', zohoProgram())).status).toBe(200)
  expect((await seed('BTEC_Students', zohoStudent())).status).toBe(200)
}, 60_000)

afterEach(() => {
  fetched.length = 0
})

afterAll(async () => {
  zoho.close()
  await host.close()
  await pg.close()
})

const shared = { 'x-edusync-secret': SECRETS.zohoSecret }

describe('Zoho id-only webhooks', () => {
  it('fetches the record of {"zoho_id","module"} through the Zoho API and syncs it', async () => {
    const r = await post(
      `${host.url}/webhooks/acme/zoho`,
      { zoho_id: IDS.registration, module: 'BTEC_Registrations' },
      shared,
    )
    expect(r.status).toBe(200)
    expect(r.body.outcomes).toEqual([{ status: 'NEW', entity: 'registration', id: IDS.registration }])
    expect(fetched).toEqual([`BTEC_Registrations:${IDS.registration}`])
  })

  it('re-fetches on every id-only delivery (the body is the same for every edit)', async () => {
    const body = new URLSearchParams({ zoho_id: IDS.registration, module: 'BTEC_Registrations' }).toString()
    const form = { ...shared, 'content-type': 'application/x-www-form-urlencoded' }
    const first = await post(`${host.url}/webhooks/acme/zoho`, body, form)
    const second = await post(`${host.url}/webhooks/acme/zoho`, body, form)
    expect([first.status, second.status]).toEqual([200, 200])
    expect(second.headers.get('idempotent-replayed')).toBeNull()
    expect(fetched).toHaveLength(2)
  })

  it('fetches ids[] in one request', async () => {
    const body = `ids[]=${IDS.student}&ids[]=${IDS.program}&module=BTEC_Students`
    const r = await post(`${host.url}/webhooks/acme/zoho`, body, {
      ...shared,
      'content-type': 'application/x-www-form-urlencoded',
    })
    expect(r.status).toBe(200)
    expect(fetched).toEqual([`BTEC_Students:${IDS.student},${IDS.program}`])
  })

  it('accepts a notification-channel callback whose token is the tenant secret, refuses another token', async () => {
    const callback = (token: string) => ({
      server_time: 1768469400000,
      query_params: {},
      module: 'BTEC_Registrations',
      resource_uri: 'https://www.zohoapis.eu/crm/v2/BTEC_Registrations',
      ids: [IDS.registration],
      affected_fields: [{ [IDS.registration]: ['Intake'] }],
      operation: 'update',
      channel_id: '1000000068001',
      token,
    })
    const url = `${host.url}/webhooks/acme/zoho?secret=${SECRETS.zohoSecret}`
    expect((await post(url, callback(SECRETS.zohoSecret))).status).toBe(200)
    const wrong = await post(url, callback('some-other-channel-token'))
    expect([wrong.status, wrong.body.error.reason]).toEqual([401, 'Unauthenticated'])
  })

  // Regression: ids Zoho did not return used to be dropped silently with a 200 and no outcomes.
  it('reports an ERROR (500, not recorded as done) when Zoho does not return the record (204)', async () => {
    const r = await post(
      `${host.url}/webhooks/acme/zoho/BTEC_Registrations`,
      { zoho_id: '4876876000006609999' },
      shared,
    )
    expect(r.status).toBe(500)
    expect(r.body.outcomes).toMatchObject([
      {
        status: 'ERROR',
        id: '4876876000006609999',
        reason: expect.stringContaining('Zoho did not return BTEC_Registrations 4876876000006609999'),
      },
    ])
  })

  // Regression (found by the soak): a Deluge template with the wrong merge syntax arrives as the id
  // "${Students.id}"; it was fetched from Zoho, whose 400 became a 503, and Zoho retried it forever.
  it('refuses an id that is not digits with 400 naming the field, and asks Zoho nothing', async () => {
    const bare = ['$', '{Students.id}'].join('')
    for (const id of [bare, 'abc-123']) {
      const r = await post(`${host.url}/webhooks/acme/zoho`, { zoho_id: id, module: 'BTEC_Students' }, shared)
      expect([r.status, r.body.error.reason]).toEqual([400, 'BadRequest'])
      expect(r.body.error.message).toContain('zoho_id')
    }
    const form = `ids[]=${IDS.student}&ids[]=${encodeURIComponent(bare)}&module=BTEC_Students`
    const r = await post(`${host.url}/webhooks/acme/zoho`, form, {
      ...shared,
      'content-type': 'application/x-www-form-urlencoded',
    })
    expect([r.status, r.body.error.message]).toEqual([400, expect.stringContaining('unresolved template')])
    expect(fetched).toEqual([])
  })

  it("shares one Zoho access token between host processes through the Store's token store", async () => {
    // Two hosts (two processes in production) over the same PostgreSQL Store, as main.ts wires them.
    const first = await startHost({
      store: pg,
      tenants: { shared: tenant({ zoho: zohoCredentials }) },
      tokenStore: pg.tokenStore,
    })
    const second = await startHost({
      store: pg,
      tenants: { shared: tenant({ zoho: zohoCredentials }) },
      tokenStore: pg.tokenStore,
    })
    try {
      const before = tokenRequests
      for (const h of [first, second, first, second]) {
        const r = await post(
          `${h.url}/webhooks/shared/zoho`,
          { zoho_id: IDS.program, module: 'Products' },
          shared,
        )
        expect(r.status).toBe(200)
      }
      // Zoho mints 10 access tokens per refresh token per 10 minutes: the second host reuses the first's.
      expect(tokenRequests - before).toBe(1)
      expect(fetched).toHaveLength(4)
    } finally {
      await first.close()
      await second.close()
    }
  })

  it('answers 503 when the tenant has no Zoho credentials, so the body is not acknowledged as done', async () => {
    const r = await post(
      `${host.url}/webhooks/bare/zoho`,
      { zoho_id: IDS.registration, module: 'BTEC_Registrations' },
      shared,
    )
    expect([r.status, r.body.error.reason]).toEqual([503, 'Unavailable'])
    expect(fetched).toEqual([])
  })

  it('answers 503 when Zoho refuses the credentials, and never logs them', async () => {
    zoho.use(http.post(TOKEN_URL, () => HttpResponse.json({ error: 'invalid_code' })))
    const h = await startHost({ store: pg, tenants: { other: tenant({ zoho: zohoCredentials }) } })
    try {
      const r = await post(
        `${h.url}/webhooks/other/zoho`,
        { zoho_id: IDS.registration, module: 'BTEC_Registrations' },
        shared,
      )
      expect(r.status).toBe(503)
      const logs = h.logs.join('')
      expect(logs).toContain('zoho fetch failed')
      for (const secret of [zohoCredentials.clientSecret, zohoCredentials.refreshToken])
        expect(logs).not.toContain(secret)
    } finally {
      await h.close()
      zoho.resetHandlers()
    }
  })
})
