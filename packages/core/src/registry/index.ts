/** @internal Barrel of the tenant registry (re-exported by the package root). */

export type { CompareAndSetOutcome, CompareAndSetSecretInput } from './compare-and-set-secret.ts'
export { compareAndSetSecret } from './compare-and-set-secret.ts'
export type {
  ConnectionInput,
  ConnectionIssue,
  ConnectionSystem,
  MaskedConnection,
  StoredConnection,
} from './connections.ts'
export {
  asStoredConnection,
  connectionSchemas,
  connectionSystems,
  maskConnection,
  openConnection,
  sealConnection,
  secretContext,
} from './connections.ts'
export type { MemoryRegistryOptions } from './memory-registry.ts'
export { createMemoryRegistry } from './memory-registry.ts'
export { containsSealed, isSealed, redactSecrets, SEALED_MARKER } from './redact.ts'
export type {
  AuditContext,
  AuditEntry,
  ConfigItem,
  ConfigKind,
  ExpectedVersion,
  TenantRecord,
  TenantRegistry,
  TenantStatus,
  WriteResult,
} from './registry.ts'
export { configKinds } from './registry.ts'
export { checkRegistryInput, TENANT_SLUG, versionMatches } from './registry-input.ts'
export type { RotationReport } from './rotate-secrets.ts'
export { rotateSecrets } from './rotate-secrets.ts'
export type { KeyRing, SealedSecret, SecretBox } from './secret-box.ts'
export { createSecretBox, parseKeyRing } from './secret-box.ts'
export type { SecretErrorReason } from './secret-error.ts'
export { SecretError } from './secret-error.ts'
