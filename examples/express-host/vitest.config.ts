import { defineProject } from 'vitest/config'

// Vite applies `resolve.conditions` to the client environment only; tests run in the SSR environment, so
// the source condition is repeated there (otherwise a package with a built dist/ resolves to it).
const conditions = ['@edusync/source']

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    name: 'express-host',
    restoreMocks: true,
    // The two-host tests run host processes on a real PostgreSQL: DATABASE_URL when given, else a
    // throw-away cluster started by store-pg's setup (the same one its own tests use).
    // test/tmp-guard.ts first: the run's own temp dir, free of edusync-* debris at the end.
    globalSetup: ['../../test/tmp-guard.ts', '../../packages/store-pg/test/global-setup.ts'],
    // PGlite takes seconds to boot once per file.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
