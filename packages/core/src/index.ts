/**
 * @module The edusync engine: canonical model, strict parsing, fingerprints, the sync engine, dependency
 * order and the Store port (with an in-memory Store).
 */

export type { CanonicalEntityName } from './entities/index.ts'
export {
  allEntities,
  applicant,
  applicantStatus,
  classStatus,
  criterion,
  enrollment,
  entities,
  grade,
  gradeLetter,
  installment,
  learningOutcome,
  learningOutcomeScore,
  payment,
  paymentKind,
  program,
  registration,
  registrationStatus,
  requestStatus,
  schoolClass,
  signedPaymentAmount,
  student,
  studentRequest,
  studentStatus,
  teacher,
  unit,
} from './entities/index.ts'
export type {
  Applicant,
  Enrollment,
  Grade,
  Payment,
  Program,
  Registration,
  SchoolClass,
  Student,
  StudentRequest,
  Teacher,
  Unit,
} from './entities/types.ts'
export type { ParseIssue } from './errors/parse-error.ts'
export { formatIssues, ParseError } from './errors/parse-error.ts'
export type { StoreErrorReason } from './errors/store-error.ts'
export { StoreError } from './errors/store-error.ts'
export type { SyncErrorReason } from './errors/sync-error.ts'
export { SyncError } from './errors/sync-error.ts'
export { canonicalJson } from './fingerprint/canonical-json.ts'
export type { Fingerprint } from './fingerprint/fingerprint.ts'
export { changedFields, fingerprint, fingerprintInput, isFingerprint } from './fingerprint/fingerprint.ts'
export type { InputLimits, LimitRule, LimitViolation } from './limits/input-limits.ts'
export { DEFAULT_INPUT_LIMITS, resolveLimits } from './limits/input-limits.ts'
export type { PreviewOptions } from './limits/preview.ts'
export { previewValue } from './limits/preview.ts'
export { scanJsonText } from './limits/scan-json.ts'
export { findLimitViolation } from './limits/value-limits.ts'
export { orderEntities } from './order/dependency-orderer.ts'
export { blankAsNull, isBlank } from './parse/blank.ts'
export type { ParseRecordOptions } from './parse/parse-record.ts'
export { parseRecord } from './parse/parse-record.ts'
export type { UnsafeText, UnsafeTextRule } from './parse/text-safety.ts'
export {
  escapeUnsafeText,
  findUnsafeText,
  hasUnsafeText,
  isSafeText,
  unsafeTextIssues,
  unsafeTextMessage,
  withSafeText,
} from './parse/text-safety.ts'
export { toParseIssues } from './parse/zod-issues.ts'
export { backfillLedger } from './push/backfill.ts'
export { createMemoryPushLedger } from './push/memory-push-ledger.ts'
export type {
  PushClaimRequest,
  PushCounts,
  PushEntry,
  PushLedger,
  PushListOptions,
  PushOutcome,
  PushStatus,
  TrackedRecord,
  TrackResult,
} from './push/push-ledger.ts'
export { pushStatuses } from './push/push-ledger.ts'
export type { OutboxTargets, PushOutbox } from './push/push-outbox.ts'
export { deletedFingerprint, isDeletedFingerprint } from './push/push-outbox.ts'
export type { PushContext, PushItem, PushItemResult, PushTarget } from './push/push-target.ts'
export type { PushBackoff, PushEntityReport, PushReport, RunPushOptions } from './push/run-push.ts'
export { runPush } from './push/run-push.ts'
export type {
  AuditContext,
  AuditEntry,
  CompareAndSetOutcome,
  CompareAndSetSecretInput,
  ConfigItem,
  ConfigKind,
  ConnectionInput,
  ConnectionIssue,
  ConnectionSystem,
  ExpectedVersion,
  KeyRing,
  MaskedConnection,
  MemoryRegistryOptions,
  RotationReport,
  SealedSecret,
  SecretBox,
  SecretErrorReason,
  StoredConnection,
  TenantRecord,
  TenantRegistry,
  TenantStatus,
  WriteResult,
} from './registry/index.ts'
export {
  asStoredConnection,
  checkRegistryInput,
  compareAndSetSecret,
  configKinds,
  connectionSchemas,
  connectionSystems,
  containsSealed,
  createMemoryRegistry,
  createSecretBox,
  isSealed,
  maskConnection,
  openConnection,
  parseKeyRing,
  redactSecrets,
  rotateSecrets,
  SEALED_MARKER,
  SecretError,
  sealConnection,
  secretContext,
  TENANT_SLUG,
  versionMatches,
} from './registry/index.ts'
export { trackRun } from './runs/track-run.ts'
export { invalidWriteIn } from './store/batch-check.ts'
export type { ClassEnrollmentsOptions, StudentEmailMatch } from './store/class-enrollments.ts'
export { CLASS_ENROLLMENTS_PAGE, normaliseEmail } from './store/class-enrollments.ts'
export type {
  IdempotencyCompletion,
  IdempotencyGroupClaim,
  IdempotencyGroups,
} from './store/idempotency-groups.ts'
export { hasIdempotencyGroups, repeatedKey } from './store/idempotency-groups.ts'
export type { MemoryStoreOptions } from './store/memory-store.ts'
export { createMemoryStore } from './store/memory-store.ts'
export type {
  BatchChanges,
  IdempotencyClaim,
  IdempotencyClaimRequest,
  IdempotencyHolder,
  IdempotencyStep,
  InboundEvent,
  InboundEventWrite,
  Link,
  OutcomeCounts,
  ParkedRecord,
  ParkWrite,
  RecordRef,
  RecordWrite,
  Store,
  StoreCapabilities,
  StoredRecord,
  StoredResponse,
  SyncRun,
  SyncRunStatus,
  SyncRunUpdate,
  WriteEffect,
} from './store/store.ts'
export type {
  ApplyDeletesOptions,
  DeleteEffect,
  DeleteWrite,
  QuarantinedDeletion,
  QuarantineStatus,
  QuarantineWrite,
  ReadRecordsOptions,
  ReferenceQuery,
  ReferencingRecord,
  Tombstone,
} from './store/tombstones.ts'
export { unsafeTextInDelete, unsafeTextInEvent, unsafeTextInWrite } from './store/write-text.ts'
export type {
  DeleteBatchInput,
  DeleteCounts,
  DeleteOutcome,
  DeleteResult,
  OrphanedParked,
  QuarantinedOutcome,
} from './sync/delete-batch.ts'
export type { ChildReference, DeletePolicy } from './sync/delete-policy.ts'
export { childReferences, defaultDeletePolicies } from './sync/delete-policy.ts'
export type { DeletionGuardConfig, DeletionGuardLimits } from './sync/deletion-guard.ts'
export { allowedDeletions, defaultDeletionGuardLimits, guardLimits } from './sync/deletion-guard.ts'
export type { FullPullInput, FullPullResult } from './sync/full-pull.ts'
export type { RecordOutcome, SyncStatus } from './sync/outcome.ts'
export { countOutcomes } from './sync/outcome.ts'
export type {
  BatchResult,
  SyncAllInput,
  SyncAllResult,
  SyncBatchInput,
  SyncEngine,
  SyncEngineOptions,
  SyncLogger,
} from './sync/sync-engine.ts'
export { createSyncEngine } from './sync/sync-engine.ts'
export type { DeleteRefusal, SyncExtension } from './sync/sync-extension.ts'
export type { StreamProgress, StreamResult, SyncStreamInput } from './sync/sync-stream.ts'
export { createMemoryTokenStore } from './tokens/memory-token-store.ts'
export type {
  OAuthTokenSet,
  RefreshLeaseRequest,
  StoredTokenSet,
  TokenStore,
  TokenWrite,
} from './tokens/token-store.ts'
export type { DefineEntityOptions, EntityDefinition, RecordOf } from './types/entity.ts'
export { defineEntity } from './types/entity.ts'
export type { Money } from './types/money.ts'
export { money, moneyOf, positiveMoney } from './types/money.ts'
export type { EntityName, TenantId } from './types/primitives.ts'
export {
  externalId,
  isoDate,
  isoInstant,
  optionalDate,
  optionalEmail,
  optionalRef,
  optionalText,
  text,
} from './types/primitives.ts'
