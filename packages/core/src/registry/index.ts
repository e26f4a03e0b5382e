/** @internal Barrel of the tenant registry (re-exported by the package root). */
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
