// One msw server per test file: fails the test on any request no handler answers.
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'
import type { MoodleConfig } from '../config.ts'
import { SITE_URL, TOKEN } from './fake-moodle.ts'

/** Starts msw (no default handlers: each test installs a fake site or a one-off answer). */
export function useMoodleServer() {
  const server = setupServer()
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => server.resetHandlers())
  afterAll(() => server.close())
  return server
}

/** Client config for tests: tiny retry delays. */
export const testConfig: MoodleConfig = {
  url: SITE_URL,
  token: TOKEN,
  retry: { limit: 2, baseDelayMs: 1, maxDelayMs: 2 },
}
