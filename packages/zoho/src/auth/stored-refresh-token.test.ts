import type { TokenStore } from '@edusync/core'
import { createMemoryTokenStore, StoreError } from '@edusync/core'
import { HttpResponse, http } from 'msw'
import { errAsync } from 'neverthrow'
import { describe, expect, it } from 'vitest'
import { ACCOUNTS, API, tokenBody } from '../__fixtures__/handlers.ts'
import { testConfig, useZohoServer } from '../__fixtures__/server.ts'
import {
  accountsUrl,
  createZohoClient,
  replaceZohoRefreshToken,
  zohoStoredTokenKey,
  zohoTokenKey,
  zohoTokenKeys,
} from '../index.ts'

// A dead configured refresh token replaced through the TokenStore: checked by one real refresh, then used
// by every client of the tenant instead of the configured one.

const server = useZohoServer()
const TENANT = 'acme-academy'
const NEW_TOKEN = '1000.new-refresh-token-value'
const key = zohoStoredTokenKey({ clientId: testConfig.clientId, accountsUrl: accountsUrl('US') })

/** The token endpoint: `{"error":"invalid_code"}` inside HTTP 200 for any token but `live`, as Zoho does. */
function tokenEndpoint(live: string) {
  const used: string[] = []
  server.use(
    http.post(`${ACCOUNTS}/oauth/v2/token`, async ({ request }) => {
      const form = new URLSearchParams(await request.text())
      const token = form.get('refresh_token') ?? ''
      used.push(token)
      if (token !== live) return HttpResponse.json({ error: 'invalid_code' })
      return HttpResponse.json(tokenBody(`1000.access.${used.length}`))
    }),
  )
  return used
}

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

describe('replaceZohoRefreshToken', () => {
  it('stores a refresh token Zoho accepts, and clients configured with the dead one use it', async () => {
    const used = tokenEndpoint(NEW_TOKEN)
    const auth = recordReads()
    const tokenStore = createMemoryTokenStore()
    const config = { ...testConfig, tokenStore, tenant: TENANT }
    // The configured token is dead.
    const before = await createZohoClient(config).records.get('BTEC_Students', '1')
    expect(before._unsafeUnwrapErr()).toMatchObject({ reason: 'Auth', code: 'invalid_code' })

    const replaced = (await replaceZohoRefreshToken(config, `  ${NEW_TOKEN}\n`))._unsafeUnwrap()
    expect(replaced).toMatchObject({ tenant: TENANT, key, version: 1, apiDomain: API })
    expect(zohoTokenKeys(config)).toEqual({
      stored: key,
      configured: zohoTokenKey({ ...testConfig, accountsUrl: accountsUrl('US') }),
    })
    expect(replaced.accessTokenExpiresAt).toBeGreaterThan(Date.now() + 3_500_000)
    const stored = (await tokenStore.read(TENANT, key))._unsafeUnwrap()
    expect(stored?.tokens).toMatchObject({ refreshToken: NEW_TOKEN, accessToken: '1000.access.2' })

    // A new client of the same configuration reuses the stored access token: no token request.
    const client = createZohoClient(config)
    expect((await client.records.get('BTEC_Students', '2')).isOk()).toBe(true)
    expect(auth).toEqual(['Zoho-oauthtoken 1000.access.2'])
    expect(used).toEqual([testConfig.refreshToken, NEW_TOKEN])

    // Once that access token has expired, the stored refresh token (not the configured one) mints the next.
    await tokenStore.replace(TENANT, key, { ...(stored?.tokens ?? ({} as never)), accessTokenExpiresAt: 0 })
    expect((await createZohoClient(config).records.get('BTEC_Students', '3')).isOk()).toBe(true)
    expect(used).toEqual([testConfig.refreshToken, NEW_TOKEN, NEW_TOKEN])
    expect(auth.at(-1)).toBe('Zoho-oauthtoken 1000.access.3')
    const after = (await tokenStore.read(TENANT, key))._unsafeUnwrap()
    expect(after?.tokens).toMatchObject({ refreshToken: NEW_TOKEN, accessToken: '1000.access.3' })
  })

  it('stores nothing when Zoho refuses the new token ({"error":"invalid_code"} inside HTTP 200)', async () => {
    const used = tokenEndpoint('some-other-token')
    const tokenStore = createMemoryTokenStore()
    const result = await replaceZohoRefreshToken({ ...testConfig, tokenStore, tenant: TENANT }, NEW_TOKEN)
    const error = result._unsafeUnwrapErr()
    expect(error).toMatchObject({ reason: 'Auth', code: 'invalid_code', status: 200 })
    expect(error.message).not.toContain(NEW_TOKEN)
    expect(used).toEqual([NEW_TOKEN])
    expect((await tokenStore.read(TENANT, key))._unsafeUnwrap()).toBeNull()
  })

  it('refuses without a token store or with an empty token, calling nothing', async () => {
    const used = tokenEndpoint(NEW_TOKEN)
    const none = await replaceZohoRefreshToken(testConfig, NEW_TOKEN)
    expect(none._unsafeUnwrapErr().reason).toBe('Validation')
    const tokenStore = createMemoryTokenStore()
    const empty = await replaceZohoRefreshToken({ ...testConfig, tokenStore, tenant: TENANT }, ' \n')
    expect(empty._unsafeUnwrapErr()).toMatchObject({ reason: 'Validation' })
    expect(empty._unsafeUnwrapErr().message).toContain('empty')
    expect(used).toEqual([])
  })

  it('is a Store error when the token store cannot write the checked token', async () => {
    tokenEndpoint(NEW_TOKEN)
    const memory = createMemoryTokenStore()
    const failing: TokenStore = {
      ...memory,
      replace: () => errAsync(new StoreError('Unavailable', 'connection refused')),
    }
    const result = await replaceZohoRefreshToken(
      { ...testConfig, tokenStore: failing, tenant: TENANT },
      NEW_TOKEN,
    )
    expect(result._unsafeUnwrapErr()).toMatchObject({ reason: 'Store' })
    expect(result._unsafeUnwrapErr().message).toContain('connection refused')
  })
})
