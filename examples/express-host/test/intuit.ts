// Intuit mocked at the HTTP boundary for the QuickBooks tests: msw hands every call to QuickBooks' API
// and Intuit's token endpoint to a stateful mock company; the host's own code runs for real.
import type { MockQuickBooks } from '@edusync/quickbooks/testing'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'

/**
 * Starts msw for the current test file, answering Intuit's hosts from `company()` (read per request, so a
 * test may switch to a fresh company); other hosts pass through (the host under test on loopback).
 */
export function useIntuit(company: () => MockQuickBooks) {
  const intuit = setupServer(
    http.all(
      /https:\/\/(oauth\.platform\.intuit\.com|quickbooks\.api\.intuit\.com)\/.*/,
      async ({ request }) => {
        const answer = company().handle({
          method: request.method,
          url: new URL(request.url),
          headers: request.headers,
          body: await request.text(),
        })
        return new HttpResponse(answer.body, { status: answer.status, headers: answer.headers ?? {} })
      },
    ),
  )
  beforeAll(() => intuit.listen({ onUnhandledRequest: 'bypass' }))
  afterEach(() => intuit.resetHandlers())
  afterAll(() => intuit.close())
  return intuit
}
