import { defineProject } from 'vitest/config'

export default defineProject({
  resolve: { conditions: ['@edusync/source'] },
  test: {
    name: 'store-pg',
    restoreMocks: true,
    // Starts a throw-away PostgreSQL when DATABASE_URL is not given.
    globalSetup: ['./test/global-setup.ts'],
    // PGlite instances take seconds to boot and a fresh schema is migrated per test.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
