import type { TokenStore } from '@edusync/core'
import { createMemoryTokenStore, StoreError } from '@edusync/core'
import { HttpResponse, http } from 'msw'
import { errAsync } from 'neverthrow'
import { describe, expect, it } from 'vitest'
import { ACCOUNTS, API, tokenBody } from '../__fixtures__/handlers.ts'
import { testConfig, useZohoServer } from '../__fixtures__/server.ts'
import { createZohoClient } from '../client.ts'
import { accountsUrl } from '../config.ts'
import { zohoTokenKey } from './token-keys.ts'
import { toTokenSet } from './zoho-token.ts'

// The Zoho client's token on core's TokenStore port: what one client refreshes, every client of the same
// refresh token on the same store uses (another process, with store-pg's token store).

const server = useZohoServer()
const TENANT = 'acme-academy'
const key = zohoTokenKey({ ...testConfig, accountsUrl: accountsUrl('US') })

/** Counts token requests; each answer waits a little so concurrent callers pile up behind the refresh. */
function countTokenRequests(body: (n: number) => Record<string, unknown> = () => tokenBody()) {
  const seen = { count: 0 }
  server.use(
    http.post(`${ACCOUNTS}/oauth/v2/token`, async () => {
      const n = ++seen.count
      await new Promise((resolve) => setTimeout(resolve, 20))
      return HttpResponse.json(body(n))
    }),
  )
  return seen
}

/** Records the Authorization header of every record read. */
function recordReads() {
  const auth: string[] = []
  server.use(
    http.get(`${API}/crm/v8/:module/:id`, ({ request, params }) => {
      auth.push(request.headers.get('authorization') ?? '')
      return HttpResponse.json({ data: [{ id: params.id }] })
    }),
  )
  return auth
}

const clientOn = (tokenStore: TokenStore, extra: { refreshLeaseMs?: number } = {}) =>
  createZohoClient({ ...testConfig, tokenStore, tenant: TENANT, ...extra })

describe('Zoho token on a TokenStore', () => {
  it('uses a fresh token another process stored, without asking Zoho for one', async () => {
    const tokens = countTokenRequests()
    const auth = recordReads()
    const tokenStore = createMemoryTokenStore()
    const stored = toTokenSet({
      accessToken: '1000.stored',
      apiDomain: API,
      expiresAt: Date.now() + 3_600_000,
    })
    await tokenStore.compareAndSet(TENANT, key, null, stored)
    const record = await clientOn(tokenStore).records.get('BTEC_Students', '1')
    expect(record.isOk()).toBe(true)
    expect(tokens.count).toBe(0)
    expect(auth).toEqual(['Zoho-oauthtoken 1000.stored'])
  })

  it('refreshes once for two clients that start together (one holds the refresh lease, the other waits)', async () => {
    const tokens = countTokenRequests()
    const auth = recordReads()
    const tokenStore = createMemoryTokenStore()
    const [a, b] = [
      clientOn(tokenStore, { refreshLeaseMs: 400 }),
      clientOn(tokenStore, { refreshLeaseMs: 400 }),
    ]
    const results = await Promise.all([
      a.records.get('BTEC_Students', '1'),
      b.records.get('BTEC_Students', '2'),
      a.records.get('BTEC_Students', '3'),
      b.records.get('BTEC_Students', '4'),
    ])
    expect(results.every((r) => r.isOk())).toBe(true)
    expect(tokens.count).toBe(1)
    expect(new Set(auth)).toEqual(new Set(['Zoho-oauthtoken 1000.fresh.token']))
    const row = (await tokenStore.read(TENANT, key))._unsafeUnwrap()
    expect(row?.version).toBe(1)
    expect(row?.tokens).toMatchObject({ accessToken: '1000.fresh.token', refreshToken: '' })
    expect(row?.tokens.attributes).toEqual({ apiDomain: API })
  })

  it('stores the new token over one Zoho rejected, by compare-and-set, for the other clients', async () => {
    const tokens = countTokenRequests((n) => tokenBody(`1000.token.${n}`))
    const auth: string[] = []
    server.use(
      http.get(`${API}/crm/v8/:module/:id`, ({ request, params }) => {
        const header = request.headers.get('authorization') ?? ''
        auth.push(header)
        return header === 'Zoho-oauthtoken 1000.token.1'
          ? HttpResponse.json(
              { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' },
              { status: 401 },
            )
          : HttpResponse.json({ data: [{ id: params.id }] })
      }),
    )
    const tokenStore = createMemoryTokenStore()
    expect((await clientOn(tokenStore).records.get('BTEC_Students', '1')).isOk()).toBe(true)
    expect(tokens.count).toBe(2)
    const row = (await tokenStore.read(TENANT, key))._unsafeUnwrap()
    expect(row?.version).toBe(2)
    expect(row?.tokens.accessToken).toBe('1000.token.2')
    expect((await clientOn(tokenStore).records.get('BTEC_Students', '2')).isOk()).toBe(true)
    expect(tokens.count).toBe(2)
    expect(auth).toEqual([
      'Zoho-oauthtoken 1000.token.1',
      'Zoho-oauthtoken 1000.token.2',
      'Zoho-oauthtoken 1000.token.2',
    ])
  })

  it('takes over the refresh when the lease holder crashed, once its lease expired', async () => {
    const tokens = countTokenRequests()
    recordReads()
    const tokenStore = createMemoryTokenStore()
    const leased = await tokenStore.acquireRefreshLease(TENANT, key, { holder: 'crashed', leaseMs: 150 })
    expect(leased._unsafeUnwrap()).toBe(true)
    const started = Date.now()
    const record = await clientOn(tokenStore, { refreshLeaseMs: 150 }).records.get('BTEC_Students', '1')
    expect(record.isOk()).toBe(true)
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    expect(tokens.count).toBe(1)
    expect((await tokenStore.read(TENANT, key))._unsafeUnwrap()?.tokens.accessToken).toBe('1000.fresh.token')
  })

  it('treats a failing TokenStore as empty: the client refreshes and keeps its own token', async () => {
    const tokens = countTokenRequests()
    const auth = recordReads()
    const down = () => errAsync(new StoreError('Unavailable', 'connection refused'))
    const broken: TokenStore = {
      id: 'broken',
      read: down,
      compareAndSet: down,
      replace: down,
      remove: down,
      acquireRefreshLease: down,
      releaseRefreshLease: down,
    }
    const zoho = clientOn(broken)
    expect((await zoho.records.get('BTEC_Students', '1')).isOk()).toBe(true)
    expect((await zoho.records.get('BTEC_Students', '2')).isOk()).toBe(true)
    expect(tokens.count).toBe(1)
    expect(auth).toEqual(['Zoho-oauthtoken 1000.fresh.token', 'Zoho-oauthtoken 1000.fresh.token'])
  })

  it('refuses a TokenStore without a tenant and a lease that is not a positive number', () => {
    const tokenStore = createMemoryTokenStore()
    expect(() => createZohoClient({ ...testConfig, tokenStore })).toThrow(
      /tenant must be a non-empty string when a tokenStore is given/,
    )
    expect(() => createZohoClient({ ...testConfig, tokenStore, tenant: TENANT, refreshLeaseMs: 0 })).toThrow(
      'refreshLeaseMs must be a positive number, got 0',
    )
  })
})
