import { defineProject } from 'vitest/config'

// Vite applies `resolve.conditions` to the client environment only; tests run in the SSR environment, so
// the source condition is repeated there (otherwise a package with a built dist/ resolves to it).
const conditions = ['@edusync/source']

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    name: 'store-pg',
    restoreMocks: true,
    // Starts a throw-away PostgreSQL when DATABASE_URL is not given.
    // test/tmp-guard.ts first: the run's own temp dir, free of edusync-* debris at the end.
    globalSetup: ['../../test/tmp-guard.ts', './test/global-setup.ts'],
    // PGlite instances take seconds to boot and a fresh schema is migrated per test.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
