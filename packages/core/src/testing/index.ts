/**
 * @module Test helpers: the shared conformance suite every Store must pass, and hostile-input
 * generators with run sizing for property tests of readers. Import from `@edusync/core/testing` inside
 * vitest test files (vitest and fast-check are optional peers).
 */

export type { ClassEnrollmentsConformanceOptions } from './class-enrollments-conformance.ts'
export { describeClassEnrollmentsConformance } from './class-enrollments-conformance.ts'
export { conformanceData, fp, T1, T2 } from './conformance-data.ts'
export type { FinanceStoreConformanceOptions } from './finance-conformance.ts'
export { describeFinanceStoreConformance } from './finance-conformance.ts'
export { invoiceRecord, paymentRecord, schoolRecord, seededRandom, studentRecord } from './finance-data.ts'
export {
  deepValue,
  hostileJsonText,
  hostileRecord,
  hostileText,
  hostileValue,
  hugeText,
  PROTOTYPE_KEYS,
} from './hostile-values.ts'
export type { IdempotencyGroupsConformanceOptions } from './idempotency-groups-conformance.ts'
export { describeIdempotencyGroupsConformance } from './idempotency-groups-conformance.ts'
export type { InboxCursorConformanceOptions } from './inbox-cursor-conformance.ts'
export { describeInboxCursorConformance } from './inbox-cursor-conformance.ts'
export type { CheckPropertyOptions } from './property-runs.ts'
export { checkProperty, propertyTimeout } from './property-runs.ts'
export type { PushLedgerConformanceOptions } from './push-ledger-conformance.ts'
export { describePushLedgerConformance } from './push-ledger-conformance.ts'
export type { OutboxPair, PushOutboxConformanceOptions } from './push-outbox-conformance.ts'
export { describePushOutboxConformance, OUTBOX_TARGET } from './push-outbox-conformance.ts'
export type { RegistryConformanceOptions } from './registry-conformance.ts'
export { describeRegistryConformance } from './registry-conformance.ts'
export type { StatementCacheConformanceOptions } from './statement-cache-conformance.ts'
export { describeStatementCacheConformance } from './statement-cache-conformance.ts'
export type { StoreConformanceOptions } from './store-conformance.ts'
export { describeStoreConformance } from './store-conformance.ts'
export type { TokenStoreConformanceOptions } from './token-store-conformance.ts'
export { describeTokenStoreConformance, tokenSet } from './token-store-conformance.ts'
