import type { PushLedger, Store, TenantId, TokenStore } from '@edusync/core'
import type { QuickBooksOAuth } from '../auth/oauth-client.ts'
import { createQuickBooksOAuth } from '../auth/oauth-client.ts'
import type { QuickBooksClient } from '../client.ts'
import { createQuickBooksClient } from '../client.ts'
import type { QuickBooksAppCredentials, QuickBooksConfig } from '../config.ts'
import type { CustomerLookups } from '../map/enrich.ts'
import type { CustomerSyncContext } from '../sync/customer-sync.ts'

/** Options of {@link createQuickBooksTenants}. */
export interface QuickBooksTenantsOptions {
  /** The Intuit app (client id and secret; the registered redirect URI when the connect flow runs). */
  readonly app: QuickBooksAppCredentials
  /**
   * Each tenant's QuickBooks company id (`realmId`): a map, or a lookup (e.g. a tenant registry). A tenant
   * without one has no QuickBooks side.
   */
  readonly realms: Readonly<Record<TenantId, string>> | ((tenant: TenantId) => string | undefined)
  /** Where each tenant's rotating token pair lives (shared by every process and replica). */
  readonly tokenStore: TokenStore
  /** The push state of every customer (what was sent, what failed, what is due). */
  readonly ledger: PushLedger
  /** When given, every synced customer's QuickBooks id is also stored as a link on the record. */
  readonly store?: Store | undefined
  /** Enrichment lookups (campus, intake, program... ids to names) of a tenant. */
  readonly lookups?: ((tenant: TenantId) => CustomerLookups | undefined) | undefined
  /** Extra client options for every tenant (environment, retry, limits, the base URL of a mock). */
  readonly client?: Partial<QuickBooksConfig> | undefined
}

/** Per-tenant QuickBooks access, built once and shared by a host's handlers, a CLI or a job. */
export interface QuickBooksTenants {
  /** The Intuit app's OAuth client (connect flow: authorize URL and code exchange). */
  readonly oauth: QuickBooksOAuth
  /** The token store the connect flow writes the first pair to. */
  readonly tokenStore: TokenStore
  /** The tenant's company id, or `undefined` when it has no QuickBooks side. */
  realmOf(tenant: TenantId): string | undefined
  /**
   * The tenant's client, created on first use and kept (it holds the access-token cache and the
   * per-realm rate limiter), or `undefined` when the tenant has no company.
   */
  client(tenant: TenantId): QuickBooksClient | undefined
  /**
   * What every customer operation (`analyzeCustomers`, `previewCustomers`, `syncCustomers`,
   * `customerStatus`, `retryFailedCustomers`) takes for the tenant, or `undefined` without a company.
   */
  context(tenant: TenantId): CustomerSyncContext | undefined
}

/**
 * Builds per-tenant QuickBooks access from one Intuit app: the tenant's company, its client (one per
 * tenant and process, so the token cache and the rate limiter are shared by every caller) and the
 * customer operations' context.
 *
 * @example
 * ```ts
 * const qb = createQuickBooksTenants({
 *   app: { clientId, clientSecret, redirectUri },
 *   realms: { acme: '9341453050981506' },
 *   tokenStore: store.tokenStore, ledger: store.pushLedger, store,
 * })
 * const context = qb.context('acme')
 * if (context) await syncCustomers(students, context)
 * ```
 */
export function createQuickBooksTenants(options: QuickBooksTenantsOptions): QuickBooksTenants {
  const clients = new Map<TenantId, QuickBooksClient>()
  const { realms } = options
  const realmOf = (tenant: TenantId): string | undefined =>
    typeof realms === 'function' ? realms(tenant) : Object.hasOwn(realms, tenant) ? realms[tenant] : undefined
  const client = (tenant: TenantId): QuickBooksClient | undefined => {
    const realmId = realmOf(tenant)
    if (!realmId) return undefined
    let existing = clients.get(tenant)
    // A realm that changed (a tenant moved to another company) gets a new client, never the old token cache.
    if (!existing || existing.realmId !== realmId) {
      existing = createQuickBooksClient({
        ...options.app,
        ...options.client,
        tenant,
        realmId,
        tokenStore: options.tokenStore,
      })
      clients.set(tenant, existing)
    }
    return existing
  }
  return {
    oauth: createQuickBooksOAuth(options.app),
    tokenStore: options.tokenStore,
    realmOf,
    client,
    context(tenant) {
      const forTenant = client(tenant)
      if (!forTenant) return undefined
      const lookups = options.lookups?.(tenant)
      return {
        client: forTenant,
        ledger: options.ledger,
        ...(options.store ? { store: options.store } : {}),
        ...(lookups ? { lookups } : {}),
      }
    },
  }
}
