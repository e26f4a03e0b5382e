import type { ResultAsync } from 'neverthrow'
import { errAsync, okAsync } from 'neverthrow'
import { StoreError } from '../errors/store-error.ts'
import type { TenantId } from '../types/primitives.ts'
import { containsSealed, redactSecrets } from './redact.ts'
import type {
  AuditContext,
  AuditEntry,
  ConfigItem,
  ConfigKind,
  TenantRecord,
  TenantRegistry,
  WriteResult,
} from './registry.ts'
import { checkRegistryInput, versionMatches } from './registry-input.ts'

interface TenantState {
  tenant: TenantRecord
  items: Map<string, ConfigItem>
  audit: AuditEntry[]
}

/** Options of {@link createMemoryRegistry}. */
export interface MemoryRegistryOptions {
  /** Clock for `createdAt`/`updatedAt`/audit times when a call gives none. @default () => new Date() */
  readonly now?: () => Date
}

const itemKey = (kind: ConfigKind, key: string) => `${kind}\u0000${key}`
const copy = <T>(value: T): T => structuredClone(value)

/**
 * An in-memory {@link TenantRegistry} for tests, demos and single-process hosts: everything is lost when
 * the process ends. Passes the same conformance suite as the Postgres registry.
 *
 * @example
 * ```ts
 * const registry = createMemoryRegistry()
 * await registry.putTenant('acme', { name: 'Acme School', status: 'active' }, 0, { actor: 'admin' })
 * ```
 */
export function createMemoryRegistry(options: MemoryRegistryOptions = {}): TenantRegistry {
  const clock = options.now ?? (() => new Date())
  const tenants = new Map<TenantId, TenantState>()
  let closed = false

  // Runs one call: input errors and a closed registry become err(StoreError); nothing throws out.
  function run<T>(operation: string, fn: () => T): ResultAsync<T, StoreError> {
    if (closed) return errAsync(new StoreError('Unavailable', `${operation}: the registry is closed`))
    try {
      return okAsync(fn())
    } catch (error) {
      if (error instanceof StoreError) return errAsync(error)
      return errAsync(new StoreError('Invalid', `${operation}: ${String(error)}`, { cause: error }))
    }
  }

  function record(
    state: TenantState,
    audit: AuditContext,
    entry: Omit<AuditEntry, 'seq' | 'tenant' | 'actor' | 'at'>,
  ) {
    state.audit.push({
      ...entry,
      seq: state.audit.length + 1,
      tenant: state.tenant.tenant,
      actor: audit.actor,
      at: audit.now ?? clock(),
      before: redactSecrets(entry.before),
      after: redactSecrets(entry.after),
    })
  }

  function existing(operation: string, tenant: TenantId): TenantState {
    const state = tenants.get(tenant)
    if (!state)
      throw new StoreError('Invalid', `${operation}: tenant ${JSON.stringify(tenant)} is not registered`)
    return state
  }

  return {
    listTenants() {
      return run('listTenants', () =>
        [...tenants.values()].map((s) => copy(s.tenant)).sort((a, b) => (a.tenant < b.tenant ? -1 : 1)),
      )
    },

    getTenant(tenant) {
      return run('getTenant', () => {
        checkRegistryInput('getTenant', { tenant })
        const state = tenants.get(tenant)
        return state ? copy(state.tenant) : undefined
      })
    },

    putTenant(tenant, write, expected, audit) {
      return run('putTenant', (): WriteResult<TenantRecord> => {
        checkRegistryInput('putTenant', { tenant, expected, name: write.name, status: write.status })
        const state = tenants.get(tenant)
        const before = state?.tenant
        if (!versionMatches(before?.version ?? 0, expected)) {
          return { status: 'stale', current: before && copy(before) }
        }
        const at = audit.now ?? clock()
        const next: TenantRecord = {
          tenant,
          name: write.name,
          status: write.status,
          version: (before?.version ?? 0) + 1,
          createdAt: before?.createdAt ?? at,
          updatedAt: at,
        }
        const target = state ?? { tenant: next, items: new Map(), audit: [] }
        target.tenant = next
        tenants.set(tenant, target)
        record(target, audit, {
          action: before ? 'update' : 'create',
          kind: 'tenant',
          key: tenant,
          before: before ? { name: before.name, status: before.status } : null,
          after: { name: next.name, status: next.status },
        })
        return { status: 'written', value: copy(next) }
      })
    },

    getConfig(tenant, kind, key) {
      return run('getConfig', () => {
        checkRegistryInput('getConfig', { tenant, kind, key })
        const item = tenants.get(tenant)?.items.get(itemKey(kind, key))
        return item && copy(item)
      })
    },

    listConfig(tenant, kind) {
      return run('listConfig', () => {
        checkRegistryInput('listConfig', kind === undefined ? { tenant } : { tenant, kind })
        const items = [...(tenants.get(tenant)?.items.values() ?? [])]
        return items
          .filter((i) => kind === undefined || i.kind === kind)
          .sort((a, b) => (a.kind === b.kind ? (a.key < b.key ? -1 : 1) : a.kind < b.kind ? -1 : 1))
          .map(copy)
      })
    },

    putConfig(tenant, kind, key, value, expected, audit) {
      return run('putConfig', (): WriteResult<ConfigItem> => {
        checkRegistryInput('putConfig', { tenant, kind, key, value, expected })
        const state = existing('putConfig', tenant)
        const before = state.items.get(itemKey(kind, key))
        if (!versionMatches(before?.version ?? 0, expected)) {
          return { status: 'stale', current: before && copy(before) }
        }
        // Stored as a copy so the caller's later mutations of `value` change nothing here.
        const next: ConfigItem = {
          kind,
          key,
          value: copy(value),
          version: (before?.version ?? 0) + 1,
          updatedAt: audit.now ?? clock(),
        }
        state.items.set(itemKey(kind, key), next)
        record(state, audit, {
          action: before ? 'update' : 'create',
          kind,
          key,
          before: before ? before.value : null,
          after: next.value,
        })
        return { status: 'written', value: copy(next) }
      })
    },

    deleteConfig(tenant, kind, key, expected, audit) {
      return run('deleteConfig', (): WriteResult<ConfigItem> => {
        checkRegistryInput('deleteConfig', { tenant, kind, key, expected })
        const state = tenants.get(tenant)
        const before = state?.items.get(itemKey(kind, key))
        if (!state || !before || !versionMatches(before.version, expected)) {
          return { status: 'stale', current: before && copy(before) }
        }
        state.items.delete(itemKey(kind, key))
        record(state, audit, { action: 'delete', kind, key, before: before.value, after: null })
        return { status: 'written', value: copy(before) }
      })
    },

    listAudit(tenant, options = {}) {
      return run('listAudit', () => {
        checkRegistryInput('listAudit', { tenant })
        const entries = (tenants.get(tenant)?.audit ?? []).filter(
          (e) => options.kind === undefined || e.kind === options.kind,
        )
        return entries
          .slice()
          .reverse()
          .slice(0, options.limit ?? 100)
          .map(copy)
      })
    },

    listSealedItems() {
      return run('listSealedItems', () =>
        [...tenants.values()].flatMap((s) =>
          [...s.items.values()]
            .filter((i) => containsSealed(i.value))
            .map((i) => ({ ...copy(i), tenant: s.tenant.tenant })),
        ),
      )
    },

    async close() {
      closed = true
    },
  }
}
