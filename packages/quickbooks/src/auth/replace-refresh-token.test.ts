import type { TokenStore } from '@edusync/core'
import { createMemoryTokenStore, StoreError } from '@edusync/core'
import { errAsync } from 'neverthrow'
import { describe, expect, it } from 'vitest'
import { testConfig, useQuickBooksServer } from '../__fixtures__/server.ts'
import { createQuickBooksClient, createQuickBooksOAuth, replaceRefreshToken, tokenKey } from '../index.ts'
import { REALM } from '../testing/mock-quickbooks.ts'

// The operator's replacement of a dead stored refresh token, against the mock company's token endpoint
// behind msw (rotating refresh tokens; a dead one is HTTP 400 {"error":"invalid_grant"}).

const { mock } = useQuickBooksServer()
const key = tokenKey(REALM)
const oauth = () => createQuickBooksOAuth({ clientId: 'ABtestclientid', clientSecret: 'test-client-secret' })

/** A token store holding a pair whose refresh token Intuit no longer knows. */
async function deadPair(): Promise<TokenStore> {
  const store = createMemoryTokenStore()
  await store.replace('acme', key, {
    accessToken: 'at-dead',
    refreshToken: 'rt-revoked',
    accessTokenExpiresAt: 0,
    refreshTokenExpiresAt: Date.now() - 1000,
    attributes: { realmId: REALM },
  })
  return store
}

describe('replaceRefreshToken', () => {
  it('checks the new token with one refresh and stores the rotated pair Intuit answered', async () => {
    const store = await deadPair()
    const dead = await createQuickBooksClient(testConfig(store)).token()
    expect(dead._unsafeUnwrapErr()).toMatchObject({ reason: 'Auth', code: 'invalid_grant', reconsent: true })

    const replaced = (await replaceRefreshToken(oauth(), store, 'acme', REALM, ' rt-0\n'))._unsafeUnwrap()
    expect(replaced).toMatchObject({ tenant: 'acme', realmId: REALM, key, version: 2, rotated: true })
    expect(replaced.refreshTokenExpiresAt).toBeGreaterThan(Date.now() + 99 * 86_400_000)
    const stored = (await store.read('acme', key))._unsafeUnwrap()
    // The mock rotates on every refresh: the given token is dead now, the stored one is live.
    expect(mock().state.refreshTokens.has('rt-0')).toBe(false)
    expect(mock().state.refreshTokens.has(stored?.tokens.refreshToken ?? '')).toBe(true)
    expect(stored?.tokens.attributes).toEqual({ realmId: REALM })

    // The client uses the stored access token without another refresh.
    const tokensBefore = mock().state.counts.token
    const token = await createQuickBooksClient(testConfig(store)).token()
    expect(token._unsafeUnwrap()).toBe(stored?.tokens.accessToken)
    expect(mock().state.counts.token).toBe(tokensBefore)
  })

  it('stores nothing when Intuit answers invalid_grant', async () => {
    const store = await deadPair()
    const result = await replaceRefreshToken(oauth(), store, 'acme', REALM, 'rt-also-dead')
    const error = result._unsafeUnwrapErr()
    expect(error).toMatchObject({ reason: 'Auth', code: 'invalid_grant', reconsent: true, status: 400 })
    expect(error.message).not.toContain('rt-also-dead')
    const stored = (await store.read('acme', key))._unsafeUnwrap()
    expect(stored).toMatchObject({ version: 1, tokens: { refreshToken: 'rt-revoked' } })
  })

  it('refuses a realm that is not digits or an empty token without calling Intuit', async () => {
    const store = createMemoryTokenStore()
    expect(
      (await replaceRefreshToken(oauth(), store, 'acme', 'realm-x', 'rt-0'))._unsafeUnwrapErr().reason,
    ).toBe('Validation')
    expect((await replaceRefreshToken(oauth(), store, 'acme', REALM, '  '))._unsafeUnwrapErr().reason).toBe(
      'Validation',
    )
    expect(mock().state.counts.token).toBe(0)
    expect((await store.read('acme', key))._unsafeUnwrap()).toBeNull()
  })

  it('is a Store error when the token store cannot write the new pair', async () => {
    const failing: TokenStore = {
      ...createMemoryTokenStore(),
      replace: () => errAsync(new StoreError('Unavailable', 'connection refused')),
    }
    const result = await replaceRefreshToken(oauth(), failing, 'acme', REALM, 'rt-0')
    expect(result._unsafeUnwrapErr()).toMatchObject({ reason: 'Store' })
    expect(result._unsafeUnwrapErr().message).toContain('nothing was stored')
  })
})
