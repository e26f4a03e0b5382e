/** @module QuickBooks Online client for edusync: OAuth with rotating tokens, paged queries, batch, CDC, and customer / invoice / payment push. */

export type { ConnectCallback } from './auth/connect.ts'
export { connectQuickBooks } from './auth/connect.ts'
export type { QuickBooksOAuth } from './auth/oauth-client.ts'
export { accountingScope, createQuickBooksOAuth } from './auth/oauth-client.ts'
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
export type { BatchApi, BatchItemResult, BatchOperation } from './resources/batch.ts'
export { BATCH_LIMIT } from './resources/batch.ts'
export type { CdcApi, CdcChanges } from './resources/cdc.ts'
export { CDC_OBJECT_LIMIT, CDC_WINDOW_MS } from './resources/cdc.ts'
export type { EntitiesApi } from './resources/entities.ts'
export type { QueryApi, QueryOptions } from './resources/query.ts'
export { inList, MAX_RESULTS, quote } from './resources/query-text.ts'
export type { QbCustomer, QbEntity } from './schemas/entities.ts'
