/**
 * @module Test helpers for hosts using `@edusync/quickbooks`: a stateful mock QuickBooks company (token
 * endpoint included) answering with the documented shapes and faults, for msw handlers or a loopback
 * server. Not for production.
 */
export type { MockHook, MockQuickBooks, MockRequest, MockResponse } from './mock-quickbooks.ts'
export {
  createMockQuickBooks,
  fault,
  MOCK_API,
  MOCK_TOKEN_URL,
  REALM,
  xmlAuthFault,
} from './mock-quickbooks.ts'
