/** @module Zoho CRM client for edusync: OAuth client, Records API, BTEC field maps, readers, webhooks, write-back. */

export type { ZohoTokenReplacement } from './auth/stored-refresh-token.ts'
export { replaceZohoRefreshToken } from './auth/stored-refresh-token.ts'
export { zohoStoredTokenKey, zohoTokenKey, zohoTokenKeys } from './auth/token-keys.ts'
export type { ZohoToken } from './auth/zoho-token.ts'
export type { ZohoClient } from './client.ts'
export { createZohoClient } from './client.ts'
export type { OpenedZohoConnection } from './config/zoho-connection.ts'
export { zohoClientFromConnection } from './config/zoho-connection.ts'
export { zohoConnectionTester } from './config/zoho-connection-tester.ts'
export type { ZohoFieldMapValidatorOptions } from './config/zoho-field-map-validator.ts'
export { fieldMapOverridesSchema, zohoFieldMapValidator } from './config/zoho-field-map-validator.ts'
export type { ZohoConfig, ZohoDataCenter, ZohoEnvironment, ZohoRetryOptions } from './config.ts'
export { accountsUrl, apiDomain } from './config.ts'
export type { ZohoErrorOptions, ZohoErrorReason } from './errors.ts'
export { redact, ZohoError } from './errors.ts'
export type { ApiRequest } from './http/api-client.ts'
export type { RawResponse } from './http/transport.ts'
export { defaultFieldMap } from './map/default-field-map.ts'
export type {
  FieldMeta,
  FieldMetadataByModule,
  FieldMetadataInput,
} from './map/field-metadata.ts'
export { readFieldMetadata } from './map/field-metadata.ts'
export { loadFieldMetadata } from './map/load-field-metadata.ts'
export type { MoneyParse } from './map/money.ts'
export { defaultCurrencySymbols, minorDigits, parseMoney, toMajorUnits } from './map/money.ts'
export type { PicklistTranslation } from './map/picklist-translation.ts'
export { compilePicklist, UNMAPPED } from './map/picklist-translation.ts'
export {
  classStatusValues,
  enrollmentTypeValues,
  gradeLetterValues,
  picklistKey,
  registrationStatusValues,
  studentStatusValues,
} from './map/picklists.ts'
export type { ToZohoOptions } from './map/to-zoho-record.ts'
export { toZohoRecord } from './map/to-zoho-record.ts'
export type {
  FieldKind,
  FieldMap,
  FieldSpec,
  ModuleMap,
  PicklistOption,
  WriteBackFields,
} from './map/types.ts'
export type {
  FieldMapIssue,
  FieldMapProblem,
  FieldMapReport,
  FieldMapSkip,
  ValidateFieldMapOptions,
} from './map/validate-field-map.ts'
export { acceptedZohoTypes, validateFieldMap, writeBackZohoTypes } from './map/validate-field-map.ts'
export type { ValidateFieldMapsOptions } from './map/validate-field-maps.ts'
export { validateFieldMaps } from './map/validate-field-maps.ts'
export type { FieldMapOverrides, FieldOverride, ModuleOverride } from './map/with-field-map.ts'
export { findModuleMap, withFieldMap } from './map/with-field-map.ts'
export type { WithFieldMetadataOptions } from './map/with-field-metadata.ts'
export { withFieldMetadata } from './map/with-field-metadata.ts'
export type {
  CanonicalRecord,
  CanonicalRecords,
  ZohoReader,
  ZohoReaderOptions,
} from './readers/read-record.ts'
export { createZohoReader, readZohoRecord } from './readers/read-record.ts'
export { noneAsNull, ZOHO_NONE } from './readers/zoho-none.ts'
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
export { fieldsResponse, zohoField } from './schemas/fields.ts'
export type { PageInfo, ZohoRecord } from './schemas/records.ts'
export { pageInfo } from './schemas/records.ts'
export type { ZohoPullStepsOptions } from './steps/pull-steps.ts'
export { zohoPullSteps } from './steps/pull-steps.ts'
export type { FetchWebhookOptions } from './webhooks/fetch-webhook-records.ts'
export { fetchWebhookRecords, fieldsToFetch } from './webhooks/fetch-webhook-records.ts'
export { verifyZohoNotificationToken } from './webhooks/notification-token.ts'
export type {
  ReadWebhookOptions,
  ZohoNotification,
  ZohoWebhook,
  ZohoWebhookIds,
  ZohoWebhookRecords,
} from './webhooks/read-webhook.ts'
export { readZohoWebhook } from './webhooks/read-webhook.ts'
export type { ZohoDelivery, ZohoIntake, ZohoIntakeOptions, ZohoPayload } from './webhooks/zoho-intake.ts'
export { createZohoIntake } from './webhooks/zoho-intake.ts'
export type { ZohoWebhookHandlerOptions } from './webhooks/zoho-webhook-handler.ts'
export { createZohoWebhookHandler } from './webhooks/zoho-webhook-handler.ts'
export type {
  ClassCourse,
  MarkSyncedOptions,
  UpsertGradesOptions,
  WriteBackOptions,
} from './write-back/write-back.ts'
export { markSynced, setClassMoodleCourseIds, upsertGrades } from './write-back/write-back.ts'
