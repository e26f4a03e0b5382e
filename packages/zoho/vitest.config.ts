import { defineProject } from 'vitest/config'

// Vite applies `resolve.conditions` to the client environment only; tests run in the SSR environment, so
// the source condition is repeated there (otherwise a package with a built dist/ resolves to it).
const conditions = ['@edusync/source']

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    name: 'zoho',
    restoreMocks: true,
    // The run's own temp dir, required to be free of edusync-* debris at the end (test/tmp-guard.ts).
    globalSetup: ['../../test/tmp-guard.ts'],
  },
})
