import { createPgStore } from '@edusync/store-pg'
import { afterAll, describe, expect, it } from 'vitest'
import { quickbooksFromEnv } from './quickbooks-env.ts'

describe('quickbooksFromEnv', () => {
  const store = createPgStore({})
  afterAll(() => store.close())
  const env = {
    QUICKBOOKS_CLIENT_ID: 'ABclient',
    QUICKBOOKS_CLIENT_SECRET: 'secret',
    QUICKBOOKS_REDIRECT_URI: 'https://host.example/quickbooks/callback',
    QUICKBOOKS_REALMS: '{"acme":"9341453050981506"}',
  }

  it('is off without a client id and configured from the environment with one', () => {
    expect(quickbooksFromEnv({}, store)).toBeUndefined()
    const qb = quickbooksFromEnv(env, store)
    expect(qb?.realmOf('acme')).toBe('9341453050981506')
    expect(qb?.client('acme')?.realmId).toBe('9341453050981506')
    expect(qb?.client('other')).toBeUndefined()
  })

  it('refuses a realm that is not a company id, naming the setting', () => {
    expect(() => quickbooksFromEnv({ ...env, QUICKBOOKS_REALMS: '{"acme":"abc"}' }, store)).toThrow(
      /QUICKBOOKS_REALMS/,
    )
  })
})
