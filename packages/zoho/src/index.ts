/** @module Zoho CRM client for edusync: OAuth client, Records API, BTEC field maps, readers, webhooks, write-back. */

export type { TokenCache, ZohoToken } from './auth/token-cache.ts'
export { createMemoryTokenCache } from './auth/token-cache.ts'
export type { ZohoClient } from './client.ts'
export { createZohoClient } from './client.ts'
export type { ZohoConfig, ZohoDataCenter, ZohoEnvironment, ZohoRetryOptions } from './config.ts'
export { accountsUrl, apiDomain } from './config.ts'
export type { ZohoErrorOptions, ZohoErrorReason } from './errors.ts'
export { redact, ZohoError } from './errors.ts'
export type { ApiRequest } from './http/api-client.ts'
export type { RawResponse } from './http/transport.ts'
export type { CoqlResult } from './resources/coql.ts'
export type { CriteriaOperator, Criterion } from './resources/criteria.ts'
export { buildCriteria, coqlString, escapeCriteriaValue } from './resources/criteria.ts'
export type { ListOptions, ZohoPage } from './resources/list.ts'
export { DISCRETE_PAGINATION_LIMIT, formatZohoDateTime } from './resources/list.ts'
export type { RecordsApi, ZohoRecordInput } from './resources/records.ts'
export type { SearchOptions, SearchQuery } from './resources/search.ts'
export type {
  UpsertOptions,
  WriteOptions,
  ZohoTrigger,
  ZohoWriteFailure,
  ZohoWriteResult,
  ZohoWriteSuccess,
} from './resources/write.ts'
export { WRITE_CHUNK_SIZE } from './resources/write.ts'
export type { ZohoField, ZohoFieldsResponse } from './schemas/fields.ts'
export type { PageInfo, ZohoRecord } from './schemas/records.ts'
