// One msw server per test file, answering from a stateful mock company; unhandled requests fail the test.
import type { TokenStore } from '@edusync/core'
import { createMemoryTokenStore } from '@edusync/core'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'
import type { QuickBooksConfig } from '../config.ts'
import type { MockQuickBooks } from '../testing/mock-quickbooks.ts'
import { createMockQuickBooks, REALM } from '../testing/mock-quickbooks.ts'

/** Starts msw for the current file; `mock()` is the current company, fresh for every test. */
export function useQuickBooksServer() {
  let current: MockQuickBooks = createMockQuickBooks()
  const server = setupServer(
    http.all(
      /https:\/\/(oauth\.platform\.intuit\.com|quickbooks\.api\.intuit\.com|sandbox-quickbooks\.api\.intuit\.com)\/.*/,
      async ({ request }) => {
        const answer = current.handle({
          method: request.method,
          url: new URL(request.url),
          headers: request.headers,
          body: await request.text(),
        })
        if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs))
        return new HttpResponse(answer.body, { status: answer.status, headers: answer.headers ?? {} })
      },
    ),
  )
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => {
    server.resetHandlers()
    current = createMockQuickBooks()
  })
  afterAll(() => server.close())
  return {
    server,
    mock: () => current,
  }
}

/** A token store holding a valid pair for the mock company (access `at-0`, refresh `rt-0`). */
export async function connectedTokenStore(
  tenant = 'acme',
  options: { expired?: boolean; store?: TokenStore } = {},
): Promise<TokenStore> {
  const store = options.store ?? createMemoryTokenStore()
  await store.replace(tenant, `quickbooks:${REALM}`, {
    accessToken: 'at-0',
    refreshToken: 'rt-0',
    accessTokenExpiresAt: options.expired ? Date.now() - 1000 : Date.now() + 3_600_000,
    refreshTokenExpiresAt: Date.now() + 8_726_400_000,
    attributes: { realmId: REALM },
  })
  return store
}

/** Client config for tests: the mock realm, tiny retry waits, lifted rate limits. */
export function testConfig(tokenStore: TokenStore, extra: Partial<QuickBooksConfig> = {}): QuickBooksConfig {
  return {
    tenant: 'acme',
    realmId: REALM,
    clientId: 'ABtestclientid',
    clientSecret: 'test-client-secret',
    redirectUri: 'https://host.example/quickbooks/callback',
    tokenStore,
    retry: { limit: 3, baseDelayMs: 1, maxDelayMs: 2, throttleWaitMs: 5 },
    refreshLeaseMs: 2_000,
    // The realm limiter is shared by every client of the realm in the process; at the real 500/min a
    // test file would sleep for the window. The limiter has its own tests.
    limits: { requestsPerMinute: 1_000_000, batchPerMinute: 1_000_000, concurrent: 10 },
    ...extra,
  }
}
