// One msw server per test file: fails the test on any request no handler answers.
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'
import type { ZohoConfig } from '../config.ts'
import { handlers } from './handlers.ts'

/** Starts msw with the happy-path handlers for the current test file. */
export function useZohoServer() {
  const server = setupServer(...handlers)
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => server.resetHandlers())
  afterAll(() => server.close())
  return server
}

/** Client config for tests: US data center, tiny retry delays. */
export const testConfig: ZohoConfig = {
  clientId: '1000.TESTCLIENTID',
  clientSecret: 'test-client-secret-value',
  refreshToken: '1000.test-refresh-token-value',
  dataCenter: 'US',
  retry: { limit: 3, baseDelayMs: 1, maxDelayMs: 2 },
}
