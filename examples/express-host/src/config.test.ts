import { describe, expect, it } from 'vitest'
import { DEMO_TENANTS, loadConfig } from './config.ts'

describe('loadConfig', () => {
  it('defaults to embedded PGlite and the demo tenant outside production', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      PORT: 3000,
      DATA_DIR: '.data/pglite',
      demoTenants: true,
      tenants: DEMO_TENANTS,
    })
    expect(config.DATABASE_URL).toBeUndefined()
  })

  it('reads tenants from EDUSYNC_TENANTS and a PostgreSQL URL', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://edusync@db:5432/edusync',
      EDUSYNC_TENANTS: JSON.stringify({ 'acme-academy': { zohoSecret: 'a-long-enough-secret' } }),
    })
    expect(Object.keys(config.tenants)).toEqual(['acme-academy'])
    expect(config.demoTenants).toBe(false)
  })

  it('lists every problem by variable and rule, without echoing secrets', () => {
    const run = () =>
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        EDUSYNC_TENANTS: JSON.stringify({
          'Bad Tenant': { zohoSecret: 'short-secret-xyz1' },
          ok: { apiToken: 'tiny' },
        }),
      })
    expect(run).toThrow(/PORT/)
    expect(run).toThrow(/DATABASE_URL: expected a postgres/)
    expect(run).toThrow(/EDUSYNC_TENANTS\.ok\.apiToken: secrets must be at least 16 characters/)
    expect(run).toThrow(/EDUSYNC_TENANTS\.Bad Tenant: tenant ids are lower-case slugs/)
    expect(run).not.toThrow(/tiny/)
  })

  it('defaults the idempotency lease to 5 s and refuses one too short to renew', () => {
    expect(loadConfig({}).IDEMPOTENCY_LEASE_MS).toBe(5_000)
    expect(loadConfig({ IDEMPOTENCY_LEASE_MS: '1500' }).IDEMPOTENCY_LEASE_MS).toBe(1_500)
    expect(() => loadConfig({ IDEMPOTENCY_LEASE_MS: '50' })).toThrow(/IDEMPOTENCY_LEASE_MS/)
  })

  it('requires EDUSYNC_TENANTS in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /EDUSYNC_TENANTS: is required when NODE_ENV=production/,
    )
  })
})
