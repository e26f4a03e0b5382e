/**
 * @module QuickBooks endpoints any host mounts, web-standard (`(Request, { params }) => Promise<Response>`)
 * like `@edusync/core/handlers`: the connect flow with a signed OAuth `state`, and the customer API
 * (analyze, preview, background sync, status, retry).
 */

export type { ConnectState, ConnectStateOptions } from './connect-state.ts'
export { createConnectState } from './connect-state.ts'
export type { CustomerJob } from './customer-jobs.ts'
export type { CustomerKind, QuickBooksHandlers, QuickBooksHandlersOptions } from './quickbooks-handlers.ts'
export {
  createQuickBooksHandlers,
  DEFAULT_MAX_RETRY_BODY_BYTES,
  DEFAULT_MAX_SYNC_BODY_BYTES,
} from './quickbooks-handlers.ts'
export { quickbooksFailure } from './quickbooks-reply.ts'
