import { createMemoryPushLedger, createMemoryTokenStore } from '@edusync/core'
import type { HandlerContext } from '@edusync/core/handlers'
import { bearerAuth } from '@edusync/core/webhooks'
import { describe, expect, it } from 'vitest'
import { connectedTokenStore, useQuickBooksServer } from '../__fixtures__/server.ts'
import type { CustomerSubject } from '../map/customer.ts'
import { createQuickBooksTenants } from '../tenants/quickbooks-tenants.ts'
import { REALM } from '../testing/mock-quickbooks.ts'
import { createConnectState } from './connect-state.ts'
import { createQuickBooksHandlers } from './quickbooks-handlers.ts'

const { mock } = useQuickBooksServer()

const TOKEN = 'api-token-of-acme-000'
const people: CustomerSubject[] = [
  { kind: 'student', id: 'STU-1', firstName: 'Jean', lastName: 'Uwase', regNo: 'R-1', campusId: '5' },
  { kind: 'student', id: 'STU-2', firstName: 'Jean', lastName: 'Uwase', regNo: 'R-2' },
  { kind: 'applicant', id: 'APP-1', firstName: 'Jean', lastName: 'Uwase', applicationId: '20261' },
]

async function setup(
  options: {
    connected?: boolean
    maxBodyBytes?: number
    hold?: { current?: Promise<void> }
    signal?: AbortSignal
  } = {},
) {
  const tokenStore = options.connected ? await connectedTokenStore('acme') : createMemoryTokenStore()
  const tenants = createQuickBooksTenants({
    app: {
      clientId: 'ABtestclientid',
      clientSecret: 'test-client-secret',
      redirectUri: 'https://host.example/quickbooks/callback',
    },
    // "plain" is a tenant of the host without a QuickBooks company.
    realms: { acme: REALM },
    tokenStore,
    ledger: createMemoryPushLedger(),
    lookups: () => ({ campus: new Map([['5', 'Kigali Campus']]) }),
    client: {
      retry: { limit: 2, baseDelayMs: 1, maxDelayMs: 2, throttleWaitMs: 5 },
      limits: { requestsPerMinute: 1_000_000, batchPerMinute: 1_000_000 },
    },
  })
  const seen: ReadonlySet<string>[] = []
  const handlers = createQuickBooksHandlers({
    tenants,
    subjects: async function* (_tenant, kinds) {
      seen.push(kinds)
      // A test holds the source to see a sync while it runs.
      await options.hold?.current
      yield* people.filter((p) => kinds.has(p.kind))
    },
    knownTenant: (t) => t === 'acme' || t === 'plain',
    authenticate: bearerAuth({ token: () => TOKEN }),
    worker: 'test-worker',
    ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  })
  const call = async (
    handler: (request: Request, context: HandlerContext) => Promise<Response>,
    path: string,
    init: { method?: string; body?: string; headers?: Record<string, string>; tenant?: string } = {},
  ) => {
    const context: HandlerContext = { params: { tenant: init.tenant ?? 'acme' } }
    const response = await handler(
      new Request(`http://host${path}`, {
        method: init.method ?? 'GET',
        headers: init.headers ?? { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        ...(init.body !== undefined ? { body: init.body } : {}),
      }),
      context,
    )
    // biome-ignore lint/suspicious/noExplicitAny: a loose view of the JSON replies the assertions read
    return { status: response.status, body: (await response.json()) as Record<string, any>, context }
  }
  return { handlers, tenants, tokenStore, call, seen }
}

describe('createQuickBooksHandlers: the connect flow', () => {
  it('hands out a consent URL with a signed state and connects the company on the callback', async () => {
    const { handlers, tokenStore, call } = await setup()
    const connect = await call(handlers.connect, '/api/acme/quickbooks/connect')
    expect(connect.status).toBe(200)
    const url = new URL(connect.body.url)
    expect(url.searchParams.get('redirect_uri')).toBe('https://host.example/quickbooks/callback')
    const state = url.searchParams.get('state') ?? ''
    mock().state.codes.set('AB11-code', true)
    const callback = await call(
      handlers.callback,
      `/quickbooks/callback?code=AB11-code&state=${state}&realmId=${REALM}`,
      { headers: {}, tenant: '' },
    )
    expect(callback.status).toBe(200)
    expect(callback.body).toEqual({ connected: { tenant: 'acme', realmId: REALM } })
    // The tenant comes from the state, for the host's request log.
    expect(callback.context.tenant).toBe('acme')
    const stored = (await tokenStore.read('acme', `quickbooks:${REALM}`))._unsafeUnwrap()
    expect(stored?.tokens.refreshToken).toBe('rt-1')
    expect(JSON.stringify(callback.body)).not.toContain('at-')
  })

  it('refuses a forged, expired or foreign state (400), another company (409) and a malformed callback naming the field', async () => {
    const { handlers, call } = await setup()
    const forged = await call(
      handlers.callback,
      `/quickbooks/callback?code=c&state=abc.def&realmId=${REALM}`,
      {
        headers: {},
      },
    )
    expect([forged.status, forged.body.error.reason]).toEqual([400, 'BadRequest'])
    // Signed by another key (another host without the shared secret), or issued too long ago.
    const foreign = createConnectState().issue('acme')
    const expired = createConnectState({ secret: 'x'.repeat(32) }).issue('acme', Date.now() - 3_600_000)
    for (const state of [foreign, expired]) {
      const answer = await call(
        handlers.callback,
        `/quickbooks/callback?code=c&state=${state}&realmId=${REALM}`,
        {
          headers: {},
        },
      )
      expect(answer.body.error.message).toMatch(/unknown or expired state/)
    }
    const url = new URL((await call(handlers.connect, '/api/acme/quickbooks/connect')).body.url)
    const state = url.searchParams.get('state') ?? ''
    const other = await call(handlers.callback, `/quickbooks/callback?code=c&state=${state}&realmId=123`, {
      headers: {},
    })
    expect([other.status, other.body.error.reason]).toEqual([409, 'Conflict'])
    const malformed = await call(
      handlers.callback,
      `/quickbooks/callback?code=c&state=${state}&realmId=abc`,
      {
        headers: {},
      },
    )
    expect(malformed.status).toBe(400)
    expect(malformed.body.error.issues).toEqual([
      expect.objectContaining({ path: 'realmId', rule: 'invalid_format', received: 'abc' }),
    ])
  })

  it('answers 404 for an unknown tenant and for a tenant without a company, 401 without credentials', async () => {
    const { handlers, call } = await setup()
    expect((await call(handlers.connect, '/api/other/quickbooks/connect', { tenant: 'other' })).status).toBe(
      404,
    )
    expect(
      (await call(handlers.status, '/api/plain/quickbooks/customers/status', { tenant: 'plain' })).status,
    ).toBe(404)
    const anonymous = await call(handlers.connect, '/api/acme/quickbooks/connect', { headers: {} })
    expect([anonymous.status, anonymous.body.error.reason]).toEqual([401, 'Unauthenticated'])
  })

  it('answers 409 with reconsent while the tenant never connected', async () => {
    const { handlers, call } = await setup()
    const preview = await call(handlers.preview, '/api/acme/quickbooks/customers/preview')
    expect(preview.status).toBe(409)
    expect(preview.body.error).toMatchObject({ reason: 'Auth', reconsent: true })
  })
})

describe('createQuickBooksHandlers: the customer API', () => {
  it('analyzes, previews one kind, syncs in the background and reports the job and ledger counts', async () => {
    const hold: { current?: Promise<void> } = {}
    const { handlers, call, seen } = await setup({ connected: true, hold })
    const analyze = await call(handlers.analyze, '/api/acme/quickbooks/customers/analyze')
    expect(analyze.body.data.overall).toMatchObject({ total: 3, notSynced: 3, synced: 0 })
    const preview = await call(
      handlers.preview,
      '/api/acme/quickbooks/customers/preview?kind=student&limit=1',
    )
    expect(preview.body.data).toMatchObject({
      total: 2,
      limit: 1,
      items: [{ id: 'STU-1', action: 'create' }],
    })
    expect([...(seen.at(-1) ?? [])]).toEqual(['student'])

    let release = () => {}
    hold.current = new Promise<void>((resolve) => {
      release = resolve
    })
    const started = await call(handlers.sync, '/api/acme/quickbooks/customers/sync', {
      method: 'POST',
      body: JSON.stringify({ batch_size: 50, sync_applicants: false }),
    })
    expect(started.status).toBe(202)
    expect(started.body.data.status).toBe('/api/acme/quickbooks/customers/status')
    const again = await call(handlers.sync, '/api/acme/quickbooks/customers/sync', {
      method: 'POST',
      body: '',
    })
    expect([again.status, again.body.error.reason]).toEqual([409, 'Conflict'])
    const running = await call(handlers.status, '/api/acme/quickbooks/customers/status')
    expect(running.body.data.job).toMatchObject({ running: true, report: null })
    release()
    await handlers.idle()
    const status = await call(handlers.status, '/api/acme/quickbooks/customers/status')
    expect(status.body.data.job).toMatchObject({
      running: false,
      error: null,
      report: { created: 2, failed: 0 },
    })
    expect(status.body.data.counts.student).toEqual({ pending: 0, in_progress: 0, synced: 2, failed: 0 })
    expect([...mock().state.customers.values()].map((c) => c.DisplayName).sort()).toEqual([
      'Jean Uwase',
      'Jean Uwase (R-2)',
    ])
    // An empty body takes every default: both kinds.
    const all = await call(handlers.sync, '/api/acme/quickbooks/customers/sync', { method: 'POST', body: '' })
    expect(all.status).toBe(202)
    await handlers.idle()
    expect(mock().state.customers.size).toBe(3)
  })

  it('stops a background sync between chunks when the signal aborts (shutdown), sending nothing more', async () => {
    const hold: { current?: Promise<void> } = {}
    let release = () => {}
    hold.current = new Promise<void>((resolve) => {
      release = resolve
    })
    const shutdown = new AbortController()
    const { handlers, call } = await setup({ connected: true, hold, signal: shutdown.signal })
    const started = await call(handlers.sync, '/api/acme/quickbooks/customers/sync', {
      method: 'POST',
      body: '',
    })
    expect(started.status).toBe(202)
    shutdown.abort()
    release()
    await handlers.idle()
    const status = await call(handlers.status, '/api/acme/quickbooks/customers/status')
    expect(status.body.data.job).toMatchObject({ running: false, report: { cancelled: true, created: 0 } })
    expect(mock().state.customers.size).toBe(0)
  })

  it('refuses bad queries and bodies naming the field, non-JSON bodies (415) and bodies past the limit (413)', async () => {
    const { handlers, call } = await setup({ connected: true, maxBodyBytes: 200 })
    const preview = await call(handlers.preview, '/api/acme/quickbooks/customers/preview?limit=500')
    expect(preview.status).toBe(400)
    expect(preview.body.error.issues).toEqual([expect.objectContaining({ path: 'limit', received: '500' })])
    const sync = await call(handlers.sync, '/api/acme/quickbooks/customers/sync', {
      method: 'POST',
      body: JSON.stringify({ batch_size: 0 }),
    })
    expect(sync.body.error.issues).toEqual([expect.objectContaining({ path: 'batch_size', received: 0 })])
    const retry = await call(handlers.retry, '/api/acme/quickbooks/customers/retry', {
      method: 'POST',
      body: JSON.stringify({ kind: 'student' }),
    })
    expect([retry.status, retry.body.error.issues[0].message]).toEqual([
      400,
      'give kind and ids together, or neither',
    ])
    const form = await call(handlers.retry, '/api/acme/quickbooks/customers/retry', {
      method: 'POST',
      body: 'kind=student',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(form.status).toBe(415)
    const large = await call(handlers.retry, '/api/acme/quickbooks/customers/retry', {
      method: 'POST',
      body: JSON.stringify({ kind: 'student', ids: Array.from({ length: 100 }, (_, i) => `STU-${i}`) }),
    })
    expect(large.status).toBe(413)
    const none = await call(handlers.retry, '/api/acme/quickbooks/customers/retry', {
      method: 'POST',
      body: '{}',
    })
    expect(none.body).toEqual({ success: true, data: { reset: 0 } })
  })
})

describe('createConnectState', () => {
  it('reads back the tenant of a state it issued, until it expires, and nothing altered', () => {
    const state = createConnectState({ secret: 's'.repeat(32), ttlMs: 1_000 })
    const issued = state.issue('acme', 10_000)
    expect(state.read(issued, 10_500)).toBe('acme')
    expect(state.read(issued, 11_000)).toBeUndefined()
    const [payload, mac] = issued.split('.')
    expect(state.read(`${payload}x.${mac}`, 10_500)).toBeUndefined()
    expect(state.read(`${payload}.${mac}.x`, 10_500)).toBeUndefined()
    // Another replica with the same secret accepts it.
    expect(createConnectState({ secret: 's'.repeat(32) }).read(issued, 10_500)).toBe('acme')
  })
})

describe('createQuickBooksTenants', () => {
  it('builds one client per tenant, a context with the ledger and lookups, nothing without a company', () => {
    const realms = new Map([['acme', REALM]])
    const tenants = createQuickBooksTenants({
      app: { clientId: 'id', clientSecret: 'secret' },
      realms: (t) => realms.get(t),
      tokenStore: createMemoryTokenStore(),
      ledger: createMemoryPushLedger(),
      lookups: () => ({ campus: new Map([['5', 'Kigali']]) }),
    })
    const client = tenants.client('acme')
    expect(client?.realmId).toBe(REALM)
    expect(tenants.client('acme')).toBe(client)
    expect(tenants.context('acme')).toMatchObject({ client, lookups: { campus: expect.any(Map) } })
    expect(tenants.context('acme')).not.toHaveProperty('store')
    expect(tenants.client('other')).toBeUndefined()
    expect(tenants.context('other')).toBeUndefined()
    // A tenant moved to another company gets a new client (never the old company's token cache).
    realms.set('acme', '123')
    expect(tenants.client('acme')?.realmId).toBe('123')
  })
})
