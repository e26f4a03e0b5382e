import { createMemoryTokenStore } from '@edusync/core'
import { describe, expect, it } from 'vitest'
import { connectedTokenStore, testConfig, useQuickBooksServer } from '../__fixtures__/server.ts'
import { freshStores } from '../__fixtures__/stores.ts'
import { createQuickBooksClient } from '../client.ts'
import { REALM } from '../testing/mock-quickbooks.ts'
import { connectQuickBooks } from './connect.ts'
import { createQuickBooksOAuth } from './oauth-client.ts'

const { mock } = useQuickBooksServer()
const key = `quickbooks:${REALM}`

describe('QuickBooks OAuth token handling', () => {
  it('refreshes an expired token with Basic auth and stores the rotated pair', async () => {
    const store = await connectedTokenStore('acme', { expired: true })
    const qb = createQuickBooksClient(testConfig(store))
    const token = await qb.token()
    expect(token._unsafeUnwrap()).toBe('at-1')
    const stored = (await store.read('acme', key))._unsafeUnwrap()
    expect(stored?.version).toBe(2)
    expect(stored?.tokens.refreshToken).toBe('rt-1')
    expect(stored?.tokens.attributes).toEqual({ realmId: REALM })
    const tokenCall = mock().state.requests.find((r) => r.url.pathname.endsWith('/tokens/bearer'))
    expect(tokenCall?.headers.get('authorization')).toBe(
      `Basic ${Buffer.from('ABtestclientid:test-client-secret').toString('base64')}`,
    )
    expect(tokenCall?.headers.get('content-type')).toContain('application/x-www-form-urlencoded')
    expect(mock().state.refreshTokens.has('rt-0')).toBe(false)
  })

  it('refreshes once for two clients sharing one TokenStore, ending with one valid stored token', async () => {
    const store = await connectedTokenStore('acme', { expired: true })
    const a = createQuickBooksClient(testConfig(store, { holder: 'process-a' }))
    const b = createQuickBooksClient(testConfig(store, { holder: 'process-b' }))
    const [ta, tb] = await Promise.all([a.token(), b.token(), a.token()])
    expect(ta._unsafeUnwrap()).toBe('at-1')
    expect(tb._unsafeUnwrap()).toBe('at-1')
    expect(mock().state.counts.token).toBe(1)
    const stored = (await store.read('acme', key))._unsafeUnwrap()
    expect(mock().state.refreshTokens.has(stored?.tokens.refreshToken ?? '')).toBe(true)
  })

  it.each(['pglite', 'pg'] as const)(
    'refreshes once for two processes on one %s token store',
    async (engine) => {
      const stores = await freshStores(engine)
      try {
        await connectedTokenStore('acme', { expired: true, store: stores.tokens })
        const a = createQuickBooksClient(testConfig(stores.tokens, { holder: 'process-a' }))
        const b = createQuickBooksClient(testConfig(stores.tokens, { holder: 'process-b' }))
        const tokens = await Promise.all([a.token(), b.token()])
        expect(tokens.map((t) => t._unsafeUnwrap())).toEqual(['at-1', 'at-1'])
        expect(mock().state.counts.token).toBe(1)
        expect((await stores.tokens.read('acme', key))._unsafeUnwrap()?.tokens.refreshToken).toBe('rt-1')
      } finally {
        await stores.close()
      }
    },
  )

  it('uses the pair another process stored when its own refresh meets invalid_grant', async () => {
    const store = await connectedTokenStore('acme', { expired: true })
    // Another process (not using the lease: an older deployment) rotates rt-0 while our refresh is on its way.
    mock().state.hooks.push((request, m) => {
      if (!request.url.pathname.endsWith('/tokens/bearer') || m.state.counts.token > 0) return undefined
      m.state.counts.token++
      m.state.refreshTokens.delete('rt-0')
      m.state.refreshTokens.add('rt-other')
      m.state.accessTokens.add('at-other')
      void store.replace('acme', key, {
        accessToken: 'at-other',
        refreshToken: 'rt-other',
        accessTokenExpiresAt: Date.now() + 3_600_000,
        refreshTokenExpiresAt: null,
        attributes: { realmId: REALM },
      })
      return {
        status: 400,
        headers: { 'content-type': 'application/json' },
        body: '{"error":"invalid_grant"}',
      }
    })
    const qb = createQuickBooksClient(testConfig(store))
    expect((await qb.token())._unsafeUnwrap()).toBe('at-other')
  })

  it('retries the refresh once with the newer stored refresh token after invalid_grant', async () => {
    const store = await connectedTokenStore('acme', { expired: true })
    mock().state.hooks.push((request, m) => {
      if (!request.url.pathname.endsWith('/tokens/bearer') || m.state.counts.token > 0) return undefined
      m.state.counts.token++
      m.state.refreshTokens.delete('rt-0')
      m.state.refreshTokens.add('rt-other')
      void store.replace('acme', key, {
        accessToken: 'at-expired-other',
        refreshToken: 'rt-other',
        accessTokenExpiresAt: Date.now() - 1,
        refreshTokenExpiresAt: null,
        attributes: { realmId: REALM },
      })
      return {
        status: 400,
        headers: { 'content-type': 'application/json' },
        body: '{"error":"invalid_grant"}',
      }
    })
    const qb = createQuickBooksClient(testConfig(store))
    expect((await qb.token())._unsafeUnwrap()).toBe('at-1')
    expect((await store.read('acme', key))._unsafeUnwrap()?.tokens.refreshToken).toBe('rt-1')
  })

  it('reports Auth needing re-consent when the stored refresh token is dead', async () => {
    const store = await connectedTokenStore('acme', { expired: true })
    mock().state.refreshTokens.clear()
    const qb = createQuickBooksClient(testConfig(store))
    const error = (await qb.token())._unsafeUnwrapErr()
    expect(error.reason).toBe('Auth')
    expect(error.code).toBe('invalid_grant')
    expect(error.reconsent).toBe(true)
    expect(error.message).toContain('connect QuickBooks again')
    expect(error.message).not.toContain('rt-0')
    expect((await store.read('acme', key))._unsafeUnwrap()?.version).toBe(1)
  })

  it('reports Auth needing re-consent for a tenant that never connected', async () => {
    const qb = createQuickBooksClient(testConfig(createMemoryTokenStore()))
    const error = (await qb.token())._unsafeUnwrapErr()
    expect([error.reason, error.reconsent]).toEqual(['Auth', true])
  })

  it('refreshes once after an XML 401 from the API and repeats the call', async () => {
    const store = await connectedTokenStore('acme')
    mock().state.accessTokens.clear()
    const qb = createQuickBooksClient(testConfig(store))
    const count = await qb.query.count('Customer')
    expect(count._unsafeUnwrap()).toBe(0)
    expect(mock().state.counts.token).toBe(1)
  })

  it('gives Auth with the XML fault code when the token is refused even after a refresh', async () => {
    const store = await connectedTokenStore('acme')
    mock().state.hooks.push((request) =>
      request.url.pathname.endsWith('/query')
        ? {
            status: 401,
            headers: { 'content-type': 'application/xml', intuit_tid: '1-6746a1b2-4f1c' },
            body: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="2026-11-30T02:01:11.228-08:00"><Fault type="AuthenticationFault"><Error code="100"><Message>General Authentication Error</Message><Detail>AuthenticationErrorGeneral: SRV-110-Authentication Failure , statusCode: 401</Detail></Error></Fault></IntuitResponse>`,
          }
        : undefined,
    )
    const qb = createQuickBooksClient(testConfig(store))
    const error = (await qb.query.count('Customer'))._unsafeUnwrapErr()
    expect(error.reason).toBe('Auth')
    expect(error.code).toBe('100')
    expect(error.faultType).toBe('AuthenticationFault')
    expect(error.intuitTid).toBe('1-6746a1b2-4f1c')
    expect(error.message).toContain('General Authentication Error')
    expect(error.message).not.toMatch(/at-\d/)
  })
})

describe('connectQuickBooks', () => {
  it('exchanges the code once and stores the pair per tenant and realm', async () => {
    mock().state.codes.set('AB11code', true)
    const store = createMemoryTokenStore()
    const oauth = createQuickBooksOAuth({
      clientId: 'ABtestclientid',
      clientSecret: 's',
      redirectUri: 'https://host.example/cb',
    })
    const connected = await connectQuickBooks(oauth, store, 'acme', { code: 'AB11code', realmId: REALM })
    expect(connected._unsafeUnwrap()).toEqual({ realmId: REALM, version: 1 })
    expect((await store.read('acme', key))._unsafeUnwrap()?.tokens.attributes).toEqual({ realmId: REALM })
    expect((await store.read('other', key))._unsafeUnwrap()).toBeNull()
    const again = await connectQuickBooks(oauth, store, 'acme', { code: 'AB11code', realmId: REALM })
    expect(again._unsafeUnwrapErr().code).toBe('invalid_grant')
    const body = new URLSearchParams(mock().state.requests[0]?.body)
    expect(Object.fromEntries(body)).toEqual({
      grant_type: 'authorization_code',
      code: 'AB11code',
      redirect_uri: 'https://host.example/cb',
    })
  })

  it('builds the consent URL with the accounting scope and state', () => {
    const oauth = createQuickBooksOAuth({
      clientId: 'ABtestclientid',
      clientSecret: 's',
      redirectUri: 'https://host.example/cb',
    })
    const url = new URL(oauth.authorizeUrl({ state: 'csrf-123' }))
    expect(url.origin + url.pathname).toBe('https://appcenter.intuit.com/connect/oauth2')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'ABtestclientid',
      response_type: 'code',
      scope: 'com.intuit.quickbooks.accounting',
      redirect_uri: 'https://host.example/cb',
      state: 'csrf-123',
    })
  })
})
