/** @module QuickBooks Online client for edusync: OAuth with rotating tokens, paged queries, batch, CDC, and customer / invoice / payment push. */

export type { ConnectCallback } from './auth/connect.ts'
export { connectQuickBooks } from './auth/connect.ts'
export type { QuickBooksOAuth } from './auth/oauth-client.ts'
export { accountingScope, createQuickBooksOAuth } from './auth/oauth-client.ts'
export type { TokenReplacement } from './auth/replace-refresh-token.ts'
export { replaceRefreshToken } from './auth/replace-refresh-token.ts'
export type { SeedOutcome } from './auth/seed-tokens.ts'
export { seedRefreshToken } from './auth/seed-tokens.ts'
export { tokenKey } from './auth/token-manager.ts'
export type { QuickBooksClient } from './client.ts'
export { createQuickBooksClient } from './client.ts'
export type {
  QuickBooksAppCredentials,
  QuickBooksConfig,
  QuickBooksEnvironment,
  QuickBooksRetryOptions,
} from './config.ts'
export { apiBaseUrl, intuitOAuth, MINOR_VERSION } from './config.ts'
export type { QuickBooksErrorOptions, QuickBooksErrorReason, QuickBooksFaultError } from './errors.ts'
export { QuickBooksError, redact } from './errors.ts'
export type { ApiCall, ApiRequest, ApiResponse } from './http/api-client.ts'
export type { ParsedFault } from './http/fault.ts'
export { readFault } from './http/fault.ts'
export type { QuickBooksLimits, Sleep } from './http/limiter.ts'
export { requestIdOf } from './http/request-id.ts'
export type {
  CustomerFields,
  CustomerSubject,
  FieldChange,
  MappedCustomer,
  StudentContext,
} from './map/customer.ts'
export {
  customerChanges,
  displayNameCandidates,
  mapCustomer,
  subjectFromApplicant,
  subjectFromStudent,
} from './map/customer.ts'
export type { CustomerLookups, Lookup, LookupKind } from './map/enrich.ts'
export { enrich } from './map/enrich.ts'
export { amountLiteral, minorDigits, toDecimalString } from './map/money.ts'
export type { CustomerNoteKey, CustomerNotes } from './map/notes.ts'
export {
  customerNoteKeys,
  formatCustomerNotes,
  NOTE_VALUE_LIMIT,
  NOTES_LIMIT,
  parseCustomerNotes,
} from './map/notes.ts'
export type { InvoiceInput, InvoiceLineInput, PaymentInput } from './map/transactions.ts'
export { toInvoiceBody, toPaymentBody, transactionMarker } from './map/transactions.ts'
export type { BatchApi, BatchItemResult, BatchOperation } from './resources/batch.ts'
export { BATCH_LIMIT } from './resources/batch.ts'
export type { CdcApi, CdcChanges } from './resources/cdc.ts'
export { CDC_OBJECT_LIMIT, CDC_WINDOW_MS } from './resources/cdc.ts'
export type { EntitiesApi } from './resources/entities.ts'
export type { QueryApi, QueryOptions } from './resources/query.ts'
export { inList, MAX_RESULTS, quote } from './resources/query-text.ts'
export type { QbCustomer, QbEntity } from './schemas/entities.ts'
export type { CustomersStepOptions } from './steps/customers-step.ts'
export { CUSTOMERS_STEP, customersStep } from './steps/customers-step.ts'
export type { SubjectSource } from './sync/common.ts'
export { QUICKBOOKS_TARGET } from './sync/common.ts'
export type {
  CustomerAnalysis,
  CustomerCounts,
  CustomerPreview,
  CustomerPreviewItem,
  CustomerStatus,
  CustomerSyncState,
} from './sync/customer-report.ts'
export {
  analyzeCustomers,
  customerStatus,
  previewCustomers,
  retryFailedCustomers,
} from './sync/customer-report.ts'
export type {
  CustomerSyncContext,
  CustomerSyncProgress,
  CustomerSyncReport,
  SyncCustomersOptions,
} from './sync/customer-sync.ts'
export { syncCustomers } from './sync/customer-sync.ts'
export type { ItemResolver, ItemResolverOptions } from './sync/items.ts'
export { createItemResolver } from './sync/items.ts'
export type { StoreSubjectsOptions } from './sync/store-subjects.ts'
export { storeSubjects } from './sync/store-subjects.ts'
export type {
  TransactionPushContext,
  TransactionPushOptions,
  TransactionPushReport,
} from './sync/transaction-push.ts'
export { pushInvoices, pushPayments } from './sync/transaction-push.ts'
export type { QuickBooksTenants, QuickBooksTenantsOptions } from './tenants/quickbooks-tenants.ts'
export { createQuickBooksTenants } from './tenants/quickbooks-tenants.ts'
