import { fileURLToPath } from 'node:url'
import { defineProject } from 'vitest/config'

// Vite applies `resolve.conditions` to the client environment only; tests run in the SSR environment, so
// the source condition is repeated there (otherwise a package with a built dist/ resolves to it).
const conditions = ['@edusync/source']

// The shared HTTP suite: the Express host's in-process HTTP tests, run here against the Hono host. Their
// helper starts the host through `./server-under-test.ts`; this project resolves that import to the Hono
// one. (The process tests, e.g. graceful shutdown, spawn the Express host's main and stay there.)
const SHARED_SUITE = [
  'zoho-webhooks.test.ts',
  'zoho-id-only.test.ts',
  'moodle-and-api.test.ts',
  'hardening.test.ts',
  'moodle-side.test.ts',
  'claim-recovery.test.ts',
  'finance.test.ts',
  'deletes.test.ts',
  'fairness.test.ts',
  'pglite-recovery.test.ts',
  'hostile-requests.test.ts',
  'dashboard.test.ts',
  'quickbooks.test.ts',
].map((file) => `../express-host/test/${file}`)

export default defineProject({
  resolve: {
    conditions,
    alias: [
      {
        find: /^\.\/server-under-test\.ts$/,
        replacement: fileURLToPath(new URL('./test/server-under-test.ts', import.meta.url)),
      },
    ],
  },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    name: 'hono-host',
    include: [...SHARED_SUITE, 'test/**/*.test.ts', 'src/**/*.test.ts'],
    restoreMocks: true,
    // The run's own temp dir, required to be free of edusync-* debris at the end (test/tmp-guard.ts).
    globalSetup: ['../../test/tmp-guard.ts'],
    // PGlite takes seconds to boot once per file.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
