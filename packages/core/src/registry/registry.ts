import type { ResultAsync } from 'neverthrow'
import type { StoreError } from '../errors/store-error.ts'
import type { TenantId } from '../types/primitives.ts'

/** Whether a tenant is served. A suspended tenant keeps its configuration but receives nothing. */
export type TenantStatus = 'active' | 'suspended'

/** A tenant as registered: its slug (the {@link TenantId} every Store call uses), name and status. */
export interface TenantRecord {
  readonly tenant: TenantId
  readonly name: string
  readonly status: TenantStatus
  /** Starts at 1 and grows by one with every write (the ETag of the API). */
  readonly version: number
  readonly createdAt: Date
  readonly updatedAt: Date
}

/**
 * The kinds of configuration kept per tenant, each a JSON document under a key:
 * - `connection`: key = system (`zoho`, `moodle`, `quickbooks`, `webhook`); settings plus sealed secrets.
 * - `module`: key = module/entity (e.g. `student`); `{ enabled }`.
 * - `field-map`: key = system (`zoho`); the tenant's field-map overrides.
 * - `schedule`: key = step name; `{ cron, enabled }`.
 * The registry stores the documents as given; their shapes are checked by `config-documents.ts`.
 */
export type ConfigKind = 'connection' | 'module' | 'field-map' | 'schedule'

/** Every {@link ConfigKind}, for validation and listing. */
export const configKinds: readonly ConfigKind[] = ['connection', 'module', 'field-map', 'schedule']

/** One stored configuration document. */
export interface ConfigItem {
  readonly kind: ConfigKind
  readonly key: string
  /** The JSON document (plain objects, arrays, strings, numbers, booleans, null). */
  readonly value: Readonly<Record<string, unknown>>
  /** Starts at 1 and grows by one with every write. */
  readonly version: number
  readonly updatedAt: Date
}

/**
 * The version a write expects to replace: `0` means "must not exist yet" (create), a positive number means
 * "must be exactly this version" (update, compare-and-set), `'any'` writes unconditionally.
 */
export type ExpectedVersion = number | 'any'

/** The outcome of a conditional write: done, or refused because the stored version differs. */
export type WriteResult<T> =
  | { readonly status: 'written'; readonly value: T }
  /** The stored version is not the expected one; `current` is what is stored (undefined: nothing). */
  | { readonly status: 'stale'; readonly current: T | undefined }

/** Who made a change and why, recorded in the audit log with it. */
export interface AuditContext {
  /** The actor: `"admin"`, `"hmac:<key id>"`, `"cli:<user>"`, ... */
  readonly actor: string
  /** The clock for the change; the registry's own clock when absent. */
  readonly now?: Date
}

/** One audited change. `before`/`after` never hold secret material (see {@link redactSecrets}). */
export interface AuditEntry {
  /** Grows with every change of the tenant (total order of the tenant's changes). */
  readonly seq: number
  readonly tenant: TenantId
  readonly actor: string
  readonly at: Date
  readonly action: 'create' | 'update' | 'delete'
  /** `tenant` for the tenant row itself, else the config kind. */
  readonly kind: ConfigKind | 'tenant'
  readonly key: string
  readonly before: unknown
  readonly after: unknown
}

/**
 * The tenant registry port: tenants and their configuration as data, so hosts change behaviour without a
 * restart. Guarantees every implementation keeps (checked by `describeRegistryConformance`):
 *
 * - **Tenant scoped.** Every call except {@link TenantRegistry.listTenants} names exactly one tenant and
 *   touches nothing of another. Config of an unregistered tenant cannot be written (`Invalid`).
 * - **Versioned.** Every tenant row and config item carries a version starting at 1 and growing by one
 *   per write. Writes are conditional on an {@link ExpectedVersion}; a mismatch writes nothing and returns
 *   `stale` with the current value, never an error. Concurrent writers with the same expectation: exactly
 *   one wins (compare-and-set, which is how rotating tokens avoid losing the newest one).
 * - **Audited atomically.** Every successful write appends one {@link AuditEntry} in the same transaction;
 *   a failed write appends none. Sealed secrets (objects with `sealed: "aes-256-gcm"`) in `before`/`after`
 *   are replaced by `{ redacted: true, kid }` before they are stored.
 * - **Copies out.** Values returned are copies; mutating them changes nothing stored.
 * - Methods never throw: failures are `err(StoreError)`.
 */
export interface TenantRegistry {
  /** All tenants, by slug. The only cross-tenant call (the registry's index). */
  listTenants(): ResultAsync<readonly TenantRecord[], StoreError>
  getTenant(tenant: TenantId): ResultAsync<TenantRecord | undefined, StoreError>
  /** Creates (`expected` 0) or updates a tenant's name and status. */
  putTenant(
    tenant: TenantId,
    write: { readonly name: string; readonly status: TenantStatus },
    expected: ExpectedVersion,
    audit: AuditContext,
  ): ResultAsync<WriteResult<TenantRecord>, StoreError>

  getConfig(tenant: TenantId, kind: ConfigKind, key: string): ResultAsync<ConfigItem | undefined, StoreError>
  /** The tenant's items, by kind then key; all kinds when `kind` is absent. */
  listConfig(tenant: TenantId, kind?: ConfigKind): ResultAsync<readonly ConfigItem[], StoreError>
  /** Creates or replaces one item under a version condition (see {@link ExpectedVersion}). */
  putConfig(
    tenant: TenantId,
    kind: ConfigKind,
    key: string,
    value: Readonly<Record<string, unknown>>,
    expected: ExpectedVersion,
    audit: AuditContext,
  ): ResultAsync<WriteResult<ConfigItem>, StoreError>
  /** Removes one item under a version condition; `stale` when absent or of another version. */
  deleteConfig(
    tenant: TenantId,
    kind: ConfigKind,
    key: string,
    expected: ExpectedVersion,
    audit: AuditContext,
  ): ResultAsync<WriteResult<ConfigItem>, StoreError>

  /** The tenant's audit log, newest first. */
  listAudit(
    tenant: TenantId,
    options?: { readonly limit?: number; readonly kind?: ConfigKind | 'tenant' },
  ): ResultAsync<readonly AuditEntry[], StoreError>

  /**
   * Every item holding sealed secrets, across tenants, for key rotation (see `rotateSecrets`). Rotation
   * rewrites each through {@link TenantRegistry.putConfig} with its version, so it races safely.
   */
  listSealedItems(): ResultAsync<readonly (ConfigItem & { readonly tenant: TenantId })[], StoreError>

  /** Releases resources; later calls fail with `Unavailable`. */
  close(): Promise<void>
}
