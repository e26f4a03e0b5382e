/**
 * @module Handlers any host mounts, web-standard (`(Request, context) -> Promise<Response>`) like the
 * webhook kit they are built on: bulk sync, listings (runs, parked records, inbound events), an event
 * inbox intake, and the sync coalescer that lets concurrent webhooks share engine batches.
 */

export type { BulkSyncHandlerOptions } from './bulk-sync-handler.ts'
export { createBulkSyncHandler, DEFAULT_MAX_BULK_BODY_BYTES, readRecords } from './bulk-sync-handler.ts'
export type { DeleteHandlers, DeleteHandlersOptions } from './delete-handlers.ts'
export { createDeleteHandlers } from './delete-handlers.ts'
export { deleteLogCounts, deleteReply } from './delete-reply.ts'
export type { EventInboxHandlerOptions, InboxEvent } from './event-inbox-handler.ts'
export { createEventInboxHandler } from './event-inbox-handler.ts'
export type { HandlerContext, HandlerLogger, TenantLookup } from './handler-context.ts'
export { routeTenant } from './handler-context.ts'
export type { HandlerBaseOptions, IdempotencyTuning } from './handler-options.ts'
export type { ListingHandlers, ListingHandlersOptions } from './listing-handlers.ts'
export { createListingHandlers } from './listing-handlers.ts'
export type { PushLedgerHandlers, PushLedgerHandlersOptions } from './push-ledger-handlers.ts'
export { createPushLedgerHandlers } from './push-ledger-handlers.ts'
export type { CoalescedResult, SyncCoalescer, SyncCoalescerOptions } from './sync-coalescer.ts'
export { createSyncCoalescer } from './sync-coalescer.ts'
