import { defineProject } from 'vitest/config'

// Vite applies `resolve.conditions` to the client environment only; tests run in the SSR environment, so
// the source condition is repeated there (otherwise a package with a built dist/ resolves to it).
const conditions = ['@edusync/source']

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  // Worker processes, pg-boss polling and a killed worker's heartbeat timeout take seconds each.
  test: {
    name: 'jobs',
    restoreMocks: true,
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // A real PostgreSQL (DATABASE_URL, or a throw-away cluster started the way store-pg's tests do).
    // test/tmp-guard.ts first: the run's own temp dir, free of edusync-* debris at the end.
    globalSetup: ['../../test/tmp-guard.ts', '../store-pg/test/global-setup.ts'],
  },
})
