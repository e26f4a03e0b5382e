import { createMemoryTokenStore } from '@edusync/core'
import { HttpResponse, http } from 'msw'
import { describe, expect, it } from 'vitest'
import { ACCOUNTS, API, tokenBody } from './__fixtures__/handlers.ts'
import { testConfig, useZohoServer } from './__fixtures__/server.ts'
import { createZohoClient } from './client.ts'
import { accountsUrl, apiDomain } from './config.ts'

const server = useZohoServer()

function countTokenRequests(body: () => Record<string, unknown> = () => tokenBody()) {
  const seen = { count: 0, forms: [] as URLSearchParams[] }
  server.use(
    http.post(`${ACCOUNTS}/oauth/v2/token`, async ({ request }) => {
      seen.count++
      seen.forms.push(new URLSearchParams(await request.text()))
      // Let concurrent callers pile up while the refresh is in flight.
      await new Promise((resolve) => setTimeout(resolve, 20))
      return HttpResponse.json(body())
    }),
  )
  return seen
}

describe('createZohoClient', () => {
  it('refreshes the token once for 50 concurrent calls (single-flight)', async () => {
    const tokens = countTokenRequests()
    const auth: string[] = []
    server.use(
      http.get(`${API}/crm/v8/:module/:id`, ({ request, params }) => {
        auth.push(request.headers.get('authorization') ?? '')
        return HttpResponse.json({ data: [{ id: params.id }] })
      }),
    )
    const zoho = createZohoClient(testConfig)
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        zoho.records.get('BTEC_Students', `649349000000129${String(i).padStart(4, '0')}`),
      ),
    )
    expect(results.every((r) => r.isOk())).toBe(true)
    expect(tokens.count).toBe(1)
    expect(new Set(auth)).toEqual(new Set(['Zoho-oauthtoken 1000.fresh.token']))
    expect(Object.fromEntries(tokens.forms[0] ?? [])).toEqual({
      grant_type: 'refresh_token',
      client_id: testConfig.clientId,
      client_secret: testConfig.clientSecret,
      refresh_token: testConfig.refreshToken,
    })
  })

  it('refreshes once and retries when Zoho answers INVALID_TOKEN', async () => {
    let issued = 0
    const tokens = countTokenRequests(() => tokenBody(`1000.token.${++issued}`))
    server.use(
      http.get(`${API}/crm/v8/:module/:id`, ({ request, params }) =>
        request.headers.get('authorization') === 'Zoho-oauthtoken 1000.token.1'
          ? HttpResponse.json(
              { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' },
              { status: 401 },
            )
          : HttpResponse.json({ data: [{ id: params.id }] }),
      ),
    )
    const zoho = createZohoClient(testConfig)
    const record = await zoho.records.get('BTEC_Students', '6493490000001291001')
    expect(record._unsafeUnwrap()).toEqual({ id: '6493490000001291001' })
    expect(tokens.count).toBe(2)
  })

  it('refreshes on AUTHENTICATION_FAILURE too, and reports Auth when the new token is refused as well', async () => {
    const tokens = countTokenRequests()
    server.use(
      http.get(`${API}/crm/v8/:module/:id`, () =>
        HttpResponse.json(
          { code: 'AUTHENTICATION_FAILURE', details: {}, message: 'Authentication failed', status: 'error' },
          { status: 401 },
        ),
      ),
    )
    const result = await createZohoClient(testConfig).records.get('BTEC_Students', '1')
    const error = result._unsafeUnwrapErr()
    expect(error.reason).toBe('Auth')
    expect(error.code).toBe('AUTHENTICATION_FAILURE')
    expect(error.status).toBe(401)
    expect(tokens.count).toBe(2)
  })

  it('reports Auth with the code when the token endpoint answers {"error":"invalid_code"} with HTTP 200', async () => {
    server.use(http.post(`${ACCOUNTS}/oauth/v2/token`, () => HttpResponse.json({ error: 'invalid_code' })))
    const error = (await createZohoClient(testConfig).records.get('BTEC_Students', '1'))._unsafeUnwrapErr()
    expect(error.reason).toBe('Auth')
    expect(error.code).toBe('invalid_code')
    expect(error.message).toContain('invalid_code')
    expect(error.message).not.toContain(testConfig.refreshToken)
    expect(error.message).not.toContain(testConfig.clientSecret)
  })

  it('uses the api_domain of the token answer', async () => {
    server.use(
      http.post(`${ACCOUNTS}/oauth/v2/token`, () =>
        HttpResponse.json({ ...tokenBody(), api_domain: 'https://www.zohoapis.eu' }),
      ),
      http.get('https://www.zohoapis.eu/crm/v8/:module/:id', ({ params }) =>
        HttpResponse.json({ data: [{ id: params.id, Name: 'eu' }] }),
      ),
    )
    const record = await createZohoClient(testConfig).records.get('BTEC_Students', '7')
    expect(record._unsafeUnwrap()).toEqual({ id: '7', Name: 'eu' })
  })

  it('refreshes shortly before expiry, not on every call', async () => {
    let issued = 0
    const tokens = countTokenRequests(() => ({ ...tokenBody(`t${++issued}`), expires_in: 30 }))
    const zoho = createZohoClient({ ...testConfig, refreshMarginMs: 60_000 })
    await zoho.records.get('BTEC_Students', '1')
    await zoho.records.get('BTEC_Students', '2')
    // A 30 s token is inside the 60 s margin, so each call refreshes: the margin is honoured.
    expect(tokens.count).toBe(2)
    const calm = countTokenRequests()
    const other = createZohoClient(testConfig)
    await other.records.get('BTEC_Students', '1')
    await other.records.get('BTEC_Students', '2')
    expect(calm.count).toBe(1)
  })

  it('shares a token through a TokenStore across clients, without the refresh token', async () => {
    const tokens = countTokenRequests()
    const tokenStore = createMemoryTokenStore()
    const keys: string[] = []
    const recording = {
      ...tokenStore,
      compareAndSet: (...args: Parameters<typeof tokenStore.compareAndSet>) => {
        keys.push(args[1])
        return tokenStore.compareAndSet(...args)
      },
    }
    const a = createZohoClient({ ...testConfig, tokenStore: recording, tenant: 'acme' })
    const b = createZohoClient({ ...testConfig, tokenStore: recording, tenant: 'acme' })
    await a.records.get('BTEC_Students', '1')
    await b.records.get('BTEC_Students', '1')
    expect(tokens.count).toBe(1)
    expect(keys).toHaveLength(1)
    const key = keys[0] ?? ''
    expect(key).not.toContain(testConfig.refreshToken)
    const stored = (await tokenStore.read('acme', key))._unsafeUnwrap()
    expect(stored?.tokens.accessToken).toBe('1000.fresh.token')
    expect(JSON.stringify(stored)).not.toContain(testConfig.refreshToken)
  })

  it('retries a 429 and then succeeds', async () => {
    let calls = 0
    server.use(
      http.get(`${API}/crm/v8/:module/:id`, ({ params }) =>
        ++calls === 1
          ? HttpResponse.json(
              { code: 'TOO_MANY_REQUESTS', details: {}, message: 'too many requests', status: 'error' },
              { status: 429 },
            )
          : HttpResponse.json({ data: [{ id: params.id }] }),
      ),
    )
    const record = await createZohoClient(testConfig).records.get('BTEC_Students', '5')
    expect(record._unsafeUnwrap()).toEqual({ id: '5' })
    expect(calls).toBe(2)
  })

  // Issue 8 (also): Retry-After was ignored. Both tests would time out if it were still ignored (the
  // first) or obeyed uncapped (the second): the waits here are an hour unless the header decides.
  const throttledOnce = (retryAfter: string, status = 429) => {
    let calls = 0
    server.use(
      http.get(`${API}/crm/v8/:module/:id`, ({ params }) =>
        ++calls === 1
          ? HttpResponse.json(
              { code: 'TOO_MANY_REQUESTS', details: {}, message: 'too many requests', status: 'error' },
              { status, headers: { 'Retry-After': retryAfter } },
            )
          : HttpResponse.json({ data: [{ id: params.id }] }),
      ),
    )
    return () => calls
  }
  const HOUR = 3_600_000

  it.each([429, 503])(
    'waits what the Retry-After of a %i says instead of its own backoff',
    async (status) => {
      const calls = throttledOnce('0', status)
      const zoho = createZohoClient({ ...testConfig, retry: { baseDelayMs: HOUR, maxDelayMs: HOUR } })
      expect((await zoho.records.get('BTEC_Students', '5'))._unsafeUnwrap()).toEqual({ id: '5' })
      expect(calls()).toBe(2)
    },
  )

  it('caps a Retry-After at maxDelayMs', async () => {
    const calls = throttledOnce('3600')
    const zoho = createZohoClient({ ...testConfig, retry: { baseDelayMs: 1, maxDelayMs: 20 } })
    expect((await zoho.records.get('BTEC_Students', '5'))._unsafeUnwrap()).toEqual({ id: '5' })
    expect(calls()).toBe(2)
  })

  it('reports RateLimited when 429 persists', async () => {
    server.use(
      http.get(`${API}/crm/v8/:module/:id`, () =>
        HttpResponse.json(
          { code: 'TOO_MANY_REQUESTS', details: {}, message: 'too many requests', status: 'error' },
          { status: 429 },
        ),
      ),
    )
    const error = (await createZohoClient(testConfig).records.get('BTEC_Students', '5'))._unsafeUnwrapErr()
    expect(error.reason).toBe('RateLimited')
    expect(error.retryable).toBe(true)
  })

  it('reports Transport after retrying 5xx limit + 1 times', async () => {
    let calls = 0
    server.use(
      http.get(`${API}/crm/v8/:module/:id`, () => {
        calls++
        return HttpResponse.json(
          { code: 'INTERNAL_ERROR', details: {}, message: 'Internal Server Error', status: 'error' },
          { status: 500 },
        )
      }),
    )
    const error = (await createZohoClient(testConfig).records.get('BTEC_Students', '5'))._unsafeUnwrapErr()
    expect(error.reason).toBe('Transport')
    expect(error.status).toBe(500)
    expect(error.code).toBe('INTERNAL_ERROR')
    expect(calls).toBe(4)
  })

  it('does not retry an insert on 5xx (a retry could duplicate records)', async () => {
    let calls = 0
    server.use(
      http.post(`${API}/crm/v8/:module`, () => {
        calls++
        return new HttpResponse('<html>Bad Gateway</html>', { status: 502 })
      }),
    )
    const error = (
      await createZohoClient(testConfig).records.insert('BTEC_Students', [{ Last_Name: 'x' }])
    )._unsafeUnwrapErr()
    expect(error.reason).toBe('Transport')
    expect(calls).toBe(1)
  })

  it('reports Timeout when Zoho does not answer in time', async () => {
    server.use(
      http.get(`${API}/crm/v8/:module/:id`, async () => {
        await new Promise((resolve) => setTimeout(resolve, 200))
        return HttpResponse.json({ data: [] })
      }),
    )
    const zoho = createZohoClient({ ...testConfig, timeoutMs: 20, retry: { limit: 0 } })
    expect((await zoho.records.get('BTEC_Students', '5'))._unsafeUnwrapErr().reason).toBe('Timeout')
  })

  it('reports Transport when the network fails', async () => {
    server.use(http.get(`${API}/crm/v8/:module/:id`, () => HttpResponse.error()))
    const error = (
      await createZohoClient({ ...testConfig, retry: { limit: 1, baseDelayMs: 1 } }).records.get(
        'BTEC_Students',
        '5',
      )
    )._unsafeUnwrapErr()
    expect(error.reason).toBe('Transport')
  })

  it('reports NotFound for 204 on a single record and for 404', async () => {
    server.use(http.get(`${API}/crm/v8/:module/:id`, () => new HttpResponse(null, { status: 204 })))
    const zoho = createZohoClient(testConfig)
    expect((await zoho.records.get('BTEC_Students', '404'))._unsafeUnwrapErr().reason).toBe('NotFound')
    server.use(http.get(`${API}/crm/v8/:module/:id`, () => new HttpResponse('Not Found', { status: 404 })))
    expect((await zoho.records.get('BTEC_Students', '404'))._unsafeUnwrapErr().reason).toBe('NotFound')
  })

  it('reports Decode for a body that is not JSON', async () => {
    server.use(
      http.get(
        `${API}/crm/v8/:module/:id`,
        () => new HttpResponse('<html>maintenance</html>', { status: 200 }),
      ),
    )
    const error = (await createZohoClient(testConfig).records.get('BTEC_Students', '5'))._unsafeUnwrapErr()
    expect(error.reason).toBe('Decode')
  })

  it('reports Validation with code, api_name and json_path', async () => {
    server.use(
      http.get(`${API}/crm/v8/:module/:id`, () =>
        HttpResponse.json(
          {
            code: 'INVALID_DATA',
            details: { api_name: 'id', json_path: '$.id' },
            message: 'the id given seems to be invalid',
            status: 'error',
          },
          { status: 400 },
        ),
      ),
    )
    const error = (await createZohoClient(testConfig).records.get('BTEC_Students', 'abc'))._unsafeUnwrapErr()
    expect(error).toMatchObject({
      reason: 'Validation',
      code: 'INVALID_DATA',
      apiName: 'id',
      jsonPath: '$.id',
      status: 400,
    })
  })

  it('never puts the access token into error messages', async () => {
    server.use(http.get(`${API}/crm/v8/:module/:id`, () => new HttpResponse('boom', { status: 503 })))
    const error = (await createZohoClient(testConfig).records.get('BTEC_Students', '5'))._unsafeUnwrapErr()
    expect(JSON.stringify({ m: error.message, r: error.request })).not.toContain('1000.fresh.token')
  })

  it('caps calls in flight at the configured concurrency', async () => {
    let active = 0
    let peak = 0
    server.use(
      http.get(`${API}/crm/v8/:module/:id`, async ({ params }) => {
        peak = Math.max(peak, ++active)
        await new Promise((resolve) => setTimeout(resolve, 5))
        active--
        return HttpResponse.json({ data: [{ id: params.id }] })
      }),
    )
    const zoho = createZohoClient({ ...testConfig, concurrency: 3 })
    await Promise.all(Array.from({ length: 20 }, (_, i) => zoho.records.get('BTEC_Students', String(i))))
    expect(peak).toBe(3)
  })
})

describe('data centers', () => {
  it.each([
    ['US', 'https://accounts.zoho.com', 'https://www.zohoapis.com'],
    ['EU', 'https://accounts.zoho.eu', 'https://www.zohoapis.eu'],
    ['IN', 'https://accounts.zoho.in', 'https://www.zohoapis.in'],
    ['AU', 'https://accounts.zoho.com.au', 'https://www.zohoapis.com.au'],
    ['JP', 'https://accounts.zoho.jp', 'https://www.zohoapis.jp'],
    ['CA', 'https://accounts.zohocloud.ca', 'https://www.zohoapis.ca'],
    ['SA', 'https://accounts.zoho.sa', 'https://www.zohoapis.sa'],
    ['CN', 'https://accounts.zoho.com.cn', 'https://www.zohoapis.com.cn'],
  ] as const)('%s uses %s and %s', (dc, accounts, api) => {
    expect(accountsUrl(dc)).toBe(accounts)
    expect(apiDomain(dc)).toBe(api)
  })

  it('sends sandbox calls to sandbox.zohoapis.<tld> whatever api_domain the token names', async () => {
    server.use(
      http.post('https://accounts.zoho.eu/oauth/v2/token', () =>
        HttpResponse.json({ ...tokenBody(), api_domain: 'https://www.zohoapis.eu' }),
      ),
      http.get('https://sandbox.zohoapis.eu/crm/v8/:module/:id', ({ params }) =>
        HttpResponse.json({ data: [{ id: params.id }] }),
      ),
    )
    const zoho = createZohoClient({ ...testConfig, dataCenter: 'EU', environment: 'sandbox' })
    expect((await zoho.records.get('BTEC_Students', '9'))._unsafeUnwrap()).toEqual({ id: '9' })
    expect(apiDomain('EU', 'developer')).toBe('https://developer.zohoapis.eu')
  })

  it('throws at construction on invalid config', () => {
    expect(() => createZohoClient({ ...testConfig, clientSecret: '' })).toThrow(/clientSecret/)
    expect(() => createZohoClient({ ...testConfig, dataCenter: 'XX' as never })).toThrow(/dataCenter/)
  })
})
