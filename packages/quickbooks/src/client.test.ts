import { describe, expect, it } from 'vitest'
import { connectedTokenStore, testConfig, useQuickBooksServer } from './__fixtures__/server.ts'
import { createQuickBooksClient } from './client.ts'
import { createRealmLimiter } from './http/limiter.ts'
import { fault } from './testing/mock-quickbooks.ts'

const { mock } = useQuickBooksServer()
const client = async (extra = {}) => createQuickBooksClient(testConfig(await connectedTokenStore(), extra))
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
})

describe('QuickBooks client', () => {
  it('sends minorversion=75 on every call and a deterministic requestid on writes', async () => {
    const qb = await client()
    await qb.entities.create('Customer', { DisplayName: 'Jean Uwase' })
    await qb.query.count('Customer')
    const [create, query] = mock().state.requests
    expect(create?.url.searchParams.get('minorversion')).toBe('75')
    expect(query?.url.searchParams.get('minorversion')).toBe('75')
    expect(create?.url.searchParams.get('requestid')).toMatch(/^[0-9a-f]{32}$/)
    expect(query?.url.searchParams.has('requestid')).toBe(false)
    expect(create?.headers.get('authorization')).toBe('Bearer at-0')
    expect(create?.headers.get('accept')).toBe('application/json')
  })

  it('uses the sandbox host for sandbox companies', async () => {
    const qb = await client({ environment: 'sandbox' })
    await qb.query.count('Customer')
    expect(mock().state.requests[0]?.url.host).toBe('sandbox-quickbooks.api.intuit.com')
  })

  it('retries a create that timed out with the same requestid and creates once', async () => {
    let first = true
    mock().state.hooks.push((request, m) => {
      if (request.method !== 'POST' || !first) return undefined
      first = false
      return { ...m.process(request), delayMs: 400 }
    })
    const qb = await client({ timeoutMs: 150 })
    const created = await qb.entities.create('Customer', { DisplayName: 'Jean Uwase' })
    expect(created._unsafeUnwrap().DisplayName).toBe('Jean Uwase')
    const posts = mock().state.requests.filter((r) => r.method === 'POST')
    expect(posts).toHaveLength(2)
    expect(posts[0]?.url.searchParams.get('requestid')).toBe(posts[1]?.url.searchParams.get('requestid'))
    expect(mock().state.customers.size).toBe(1)
  })

  it('waits for Retry-After after a 429 and then succeeds', async () => {
    const waits: number[] = []
    let throttled = false
    mock().state.hooks.push(() => {
      if (throttled) return undefined
      throttled = true
      return {
        status: 429,
        headers: { 'retry-after': '2', 'content-type': 'application/xml' },
        body: '<IntuitResponse><Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message><Detail>The request limit was reached. Try again later</Detail></Error></Fault></IntuitResponse>',
      }
    })
    const qb = await client({ sleep: async (ms: number) => void waits.push(ms) })
    expect((await qb.query.count('Customer'))._unsafeUnwrap()).toBe(0)
    expect(waits).toEqual([2000])
  })

  it('reports RateLimited with the fault code after every retry was throttled', async () => {
    mock().state.hooks.push(() =>
      json(
        429,
        fault(
          '3001',
          'message=ThrottleExceeded; errorCode=003001; statusCode=429',
          'The request limit was reached. Try again later',
          'ThrottleExceeded',
        ),
      ),
    )
    const waits: number[] = []
    const qb = await client({ sleep: async (ms: number) => void waits.push(ms) })
    const error = (await qb.query.count('Customer'))._unsafeUnwrapErr()
    expect([error.reason, error.code, error.status]).toEqual(['RateLimited', '3001', 429])
    expect(waits).toEqual([5, 5, 5])
  })

  it('pages a query at start positions 1, 1001, 2001 over 2,500 customers', async () => {
    for (let i = 0; i < 2500; i++) mock().seedCustomer({ DisplayName: `Student ${i}` })
    const qb = await client()
    const sizes: number[] = []
    for await (const page of qb.query.pages('Customer', 'SELECT * FROM Customer'))
      sizes.push(page._unsafeUnwrap().length)
    expect(sizes).toEqual([1000, 1000, 500])
    const statements = mock().state.requests.map((r) => r.url.searchParams.get('query'))
    expect(statements).toEqual([
      'SELECT * FROM Customer STARTPOSITION 1 MAXRESULTS 1000',
      'SELECT * FROM Customer STARTPOSITION 1001 MAXRESULTS 1000',
      'SELECT * FROM Customer STARTPOSITION 2001 MAXRESULTS 1000',
    ])
  })

  it('ends paging at an empty QueryResponse', async () => {
    for (let i = 0; i < 4; i++) mock().seedCustomer({ DisplayName: `Student ${i}` })
    const qb = await client()
    const all = await qb.query.all('Customer', 'SELECT * FROM Customer', { pageSize: 2 })
    expect(all._unsafeUnwrap()).toHaveLength(4)
    expect(mock().state.counts.query).toBe(3)
  })

  it('yields a query fault inside a 200 as an error', async () => {
    mock().state.hooks.push(() =>
      json(
        200,
        fault('4000', 'Error parsing query', 'QueryParserError: Encountered " <INTEGER_LITERAL> "1 ""'),
      ),
    )
    const qb = await client()
    const pages = []
    for await (const page of qb.query.pages('Customer', 'SELECT * FROM Customer')) pages.push(page)
    expect(pages).toHaveLength(1)
    expect(pages[0]?._unsafeUnwrapErr().reason).toBe('Validation')
    expect(pages[0]?._unsafeUnwrapErr().code).toBe('4000')
  })

  it('runs a batch in calls of 30 with per-item results and faults', async () => {
    mock().state.otherNames.add('taken by a vendor')
    const qb = await client()
    const operations = Array.from({ length: 32 }, (_, i) => ({
      operation: 'create' as const,
      entity: 'Customer',
      body: { DisplayName: i === 3 ? 'Taken By A Vendor' : i === 5 ? 'Bad: colon' : `Batch ${i}` },
    }))
    const results = (
      await qb.batch.run([
        ...operations,
        {
          operation: 'query',
          entity: 'Customer',
          query: "SELECT * FROM Customer WHERE DisplayName = 'Batch 0'",
        },
      ])
    )._unsafeUnwrap()
    expect(results).toHaveLength(33)
    expect(mock().state.counts.batch).toBe(2)
    const bad3 = results[3]
    const bad5 = results[5]
    expect(bad3?.ok === false && [bad3.error.reason, bad3.error.code]).toEqual(['Duplicate', '6240'])
    expect(bad5?.ok === false && [bad5.error.reason, bad5.error.code, bad5.error.element]).toEqual([
      'Validation',
      '2050',
      'DisplayName',
    ])
    expect(results.filter((r) => r.ok).length).toBe(31)
    const last = results[32]
    expect(last?.ok && last.rows?.map((r) => r.DisplayName)).toEqual(['Batch 0'])
    const first = mock().state.requests.find((r) => r.url.pathname.endsWith('/batch'))
    expect(first?.url.searchParams.get('requestid')?.length).toBe(32)
  })

  it('reads a lower-case validation fault from a write into Validation with code and element', async () => {
    mock().state.hooks.push((request) =>
      request.method === 'POST'
        ? json(
            400,
            {
              fault: {
                error: [
                  {
                    message: 'Invalid Email Address format',
                    detail: 'Email Address does not conform to the syntax rules of RFC 822',
                    code: '2210',
                    element: 'PrimaryEmailAddr',
                  },
                ],
                type: 'ValidationFault',
              },
              time: '2026-11-30T10:00:00.000-08:00',
            },
            { intuit_tid: '1-abc-2210' },
          )
        : undefined,
    )
    const qb = await client()
    const error = (await qb.entities.create('Customer', { DisplayName: 'Jean Uwase' }))._unsafeUnwrapErr()
    expect([error.reason, error.code, error.element, error.intuitTid, error.status]).toEqual([
      'Validation',
      '2210',
      'PrimaryEmailAddr',
      '1-abc-2210',
      400,
    ])
    expect(error.message).toContain('Invalid Email Address format')
  })

  it('re-reads once and retries a sparse update after 5010', async () => {
    const row = mock().seedCustomer({ DisplayName: 'Jean Uwase', Notes: 'old' })
    row.SyncToken = '3'
    const qb = await client()
    const updated = await qb.entities.update('Customer', row.Id, '2', { Notes: 'new' })
    expect(updated._unsafeUnwrap()).toMatchObject({
      Id: row.Id,
      SyncToken: '4',
      Notes: 'new',
      DisplayName: 'Jean Uwase',
    })
    const posts = mock()
      .state.requests.filter((r) => r.method === 'POST')
      .map((r) => JSON.parse(r.body))
    expect(posts).toEqual([
      { Notes: 'new', Id: row.Id, SyncToken: '2', sparse: true },
      { Notes: 'new', Id: row.Id, SyncToken: '3', sparse: true },
    ])
    expect(mock().state.counts.read).toBe(1)
  })

  it('gives StaleObject when the retry after the re-read is stale again', async () => {
    const row = mock().seedCustomer({ DisplayName: 'Jean Uwase' })
    mock().state.hooks.push((request) =>
      request.method === 'POST'
        ? json(
            400,
            fault(
              '5010',
              'Stale Object Error',
              'Stale Object Error : You and Integration were working on this at the same time.',
            ),
          )
        : undefined,
    )
    const qb = await client()
    const error = (await qb.entities.update('Customer', row.Id, '0', { Notes: 'x' }))._unsafeUnwrapErr()
    expect(error.reason).toBe('StaleObject')
    expect(mock().state.requests.filter((r) => r.method === 'POST')).toHaveLength(2)
  })

  it('gives NotFound, Transport, Timeout and Decode where they belong', async () => {
    const qb = await client({ timeoutMs: 100 })
    expect((await qb.entities.read('Customer', '999'))._unsafeUnwrapErr().reason).toBe('NotFound')
    mock().state.hooks.push((request) =>
      request.url.pathname.endsWith('/query')
        ? { status: 503, body: '<html>Service Unavailable</html>' }
        : undefined,
    )
    const down = (await qb.query.count('Customer'))._unsafeUnwrapErr()
    expect([down.reason, down.status]).toEqual(['Transport', 503])
    mock().state.hooks.length = 0
    mock().state.hooks.push((request) =>
      request.url.pathname.endsWith('/query') ? { status: 200, body: '<html>not json</html>' } : undefined,
    )
    expect((await qb.query.count('Customer'))._unsafeUnwrapErr().reason).toBe('Decode')
    mock().state.hooks.length = 0
    mock().state.hooks.push((request, m) =>
      request.url.pathname.endsWith('/query') ? { ...m.process(request), delayMs: 300 } : undefined,
    )
    expect((await qb.query.count('Customer'))._unsafeUnwrapErr().reason).toBe('Timeout')
  })

  it('reads changes through CDC and refuses a window beyond 30 days', async () => {
    mock().seedCustomer({ DisplayName: 'Jean Uwase' })
    const qb = await client()
    const changes = (
      await qb.cdc.changes(['Customer', 'Invoice'], new Date(Date.now() - 3_600_000))
    )._unsafeUnwrap()
    expect(changes.changes.get('Customer')?.map((c) => c.DisplayName)).toEqual(['Jean Uwase'])
    expect(changes.time).toBe('2026-11-30T10:05:00.000-08:00')
    expect(changes.saturated).toBe(false)
    expect(mock().state.requests[0]?.url.searchParams.get('entities')).toBe('Customer,Invoice')
    const old = await qb.cdc.changes(['Customer'], new Date(Date.now() - 31 * 86_400_000))
    expect(old._unsafeUnwrapErr().reason).toBe('Validation')
  })

  it('rejects invalid configuration at construction', async () => {
    const store = await connectedTokenStore()
    expect(() => createQuickBooksClient(testConfig(store, { realmId: 'abc' }))).toThrow(/realmId/)
    expect(() => createQuickBooksClient(testConfig(store, { clientSecret: '' }))).toThrow(/clientSecret/)
  })
})

describe('realm limiter', () => {
  it('keeps at most the configured number of calls in flight', async () => {
    const limiter = createRealmLimiter({ concurrent: 3, requestsPerMinute: 1000 })
    let active = 0
    let peak = 0
    await Promise.all(
      Array.from({ length: 12 }, () =>
        limiter.run('request', async () => {
          active++
          peak = Math.max(peak, active)
          await new Promise((r) => setTimeout(r, 5))
          active--
        }),
      ),
    )
    expect(peak).toBe(3)
  })

  it('holds the request and batch minute windows', async () => {
    let clock = 0
    const sleeps: number[] = []
    const limiter = createRealmLimiter(
      { requestsPerMinute: 5, batchPerMinute: 2, concurrent: 10 },
      async (ms) => {
        sleeps.push(ms)
        clock += ms
      },
      () => clock,
    )
    for (let i = 0; i < 3; i++) await limiter.run('batch', async () => {})
    expect(sleeps).toEqual([60_001])
    for (let i = 0; i < 5; i++) await limiter.run('request', async () => {})
    expect(sleeps.length).toBe(2)
  })
})
