import type { TenantId, TokenStore } from '@edusync/core'

/** Zoho data centers (the SDK's `routes/dc/*_data_center.ts`). */
export type ZohoDataCenter = 'US' | 'EU' | 'IN' | 'AU' | 'JP' | 'CA' | 'SA' | 'CN'

/** Which Zoho CRM environment the API calls go to. */
export type ZohoEnvironment = 'production' | 'sandbox' | 'developer'

const TLD: Record<ZohoDataCenter, string> = {
  US: 'com',
  EU: 'eu',
  IN: 'in',
  AU: 'com.au',
  JP: 'jp',
  CA: 'ca',
  SA: 'sa',
  CN: 'com.cn',
}

/**
 * The accounts (OAuth) server of a data center. Canada is `accounts.zohocloud.ca`, not `zoho.ca`.
 *
 * @example
 * ```ts
 * accountsUrl('CA') // 'https://accounts.zohocloud.ca'
 * ```
 */
export function accountsUrl(dc: ZohoDataCenter): string {
  return dc === 'CA' ? 'https://accounts.zohocloud.ca' : `https://accounts.zoho.${TLD[dc]}`
}

/** The API domain of a data center and environment, e.g. `https://sandbox.zohoapis.eu`. */
export function apiDomain(dc: ZohoDataCenter, environment: ZohoEnvironment = 'production'): string {
  const host = environment === 'production' ? 'www' : environment
  return `https://${host}.zohoapis.${TLD[dc]}`
}

/**
 * Retry policy for 429, 5xx and (on idempotent calls) timeouts and network failures. A `Retry-After` on
 * the response sets the wait (capped at `maxDelayMs`); otherwise the wait doubles from `baseDelayMs`.
 */
export interface ZohoRetryOptions {
  /** Retries after the first attempt. @default 4 */
  readonly limit?: number
  /** Delay before the first retry; doubles each time. @default 500 */
  readonly baseDelayMs?: number
  /** Upper bound of one delay, a `Retry-After` from Zoho included. @default 20000 */
  readonly maxDelayMs?: number
}

/** Configuration of {@link createZohoClient}. */
export interface ZohoConfig {
  /** OAuth client id (Zoho API console). */
  readonly clientId: string
  /** OAuth client secret; never logged. */
  readonly clientSecret: string
  /** Long-lived refresh token (issued with `access_type=offline`); never logged. */
  readonly refreshToken: string
  /** The org's data center. @default 'US' */
  readonly dataCenter?: ZohoDataCenter
  /**
   * `production` uses the `api_domain` Zoho returns with the token; `sandbox` and `developer` use
   * `https://{sandbox|developer}.zohoapis.<tld>`. @default 'production'
   */
  readonly environment?: ZohoEnvironment
  /** Overrides the accounts server (e.g. a local mock server). @default per data center */
  readonly accountsUrl?: string
  /** Overrides the API domain (otherwise the token's `api_domain`). */
  readonly apiDomain?: string
  /**
   * Where the access token is kept between calls: a `TokenStore` (core's port; a Store's `tokenStore` from
   * `@edusync/store-pg` is shared by every process and replica). Zoho lets one refresh token mint only 10
   * access tokens per 10 minutes, so clients that share a refresh token should share a store: they then
   * reuse one access token and refresh it one at a time (a refresh lease), writing it by compare-and-set.
   * The configured refresh token itself is never written there; one stored by `replaceZohoRefreshToken`
   * for the tenant, accounts server and client id is used instead of `refreshToken`. @default a store
   * private to this client
   */
  readonly tokenStore?: TokenStore
  /** The tenant the token is kept under in `tokenStore` (required with it: a TokenStore is tenant-scoped). */
  readonly tenant?: TenantId
  /** How long one refresh may hold the token's refresh lease before another client takes over. @default 30000 */
  readonly refreshLeaseMs?: number
  /** Refresh this long before the token expires. @default 60000 */
  readonly refreshMarginMs?: number
  /**
   * Maximum calls in flight at once. Zoho's per-org limit is 5 (Free) to 25 (Ultimate), and 10 for
   * search/COQL; the default leaves room for other integrations of the same org. @default 5
   */
  readonly concurrency?: number
  /** Timeout of one HTTP attempt. @default 30000 */
  readonly timeoutMs?: number
  /** Retry policy. */
  readonly retry?: ZohoRetryOptions
  /** The fetch implementation. @default globalThis.fetch */
  readonly fetch?: typeof fetch
}

/** {@link ZohoConfig} with every default applied. */
export interface ResolvedZohoConfig {
  readonly clientId: string
  readonly clientSecret: string
  readonly refreshToken: string
  readonly dataCenter: ZohoDataCenter
  readonly environment: ZohoEnvironment
  readonly accountsUrl: string
  readonly apiDomain: string | undefined
  readonly fallbackApiDomain: string
  readonly tokenStore: TokenStore | undefined
  readonly tenant: TenantId | undefined
  readonly refreshLeaseMs: number
  readonly refreshMarginMs: number
  readonly concurrency: number
  readonly timeoutMs: number
  readonly retry: Required<ZohoRetryOptions>
  readonly fetch: typeof fetch | undefined
}

const DATA_CENTERS = new Set<string>(Object.keys(TLD))

/** Applies defaults and rejects invalid configuration (a programmer error, so it throws). */
export function resolveConfig(config: ZohoConfig): ResolvedZohoConfig {
  for (const key of ['clientId', 'clientSecret', 'refreshToken'] as const) {
    if (typeof config[key] !== 'string' || config[key].length === 0) {
      throw new TypeError(`Zoho config: ${key} must be a non-empty string`)
    }
  }
  const dataCenter = config.dataCenter ?? 'US'
  if (!DATA_CENTERS.has(dataCenter)) {
    throw new TypeError(
      `Zoho config: unknown dataCenter "${dataCenter}" (expected one of ${[...DATA_CENTERS].join(', ')})`,
    )
  }
  const environment = config.environment ?? 'production'
  const concurrency = config.concurrency ?? 5
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new TypeError('Zoho config: concurrency must be a positive integer')
  }
  if (config.tokenStore && (typeof config.tenant !== 'string' || config.tenant.length === 0)) {
    throw new TypeError('Zoho config: tenant must be a non-empty string when a tokenStore is given')
  }
  const refreshLeaseMs = config.refreshLeaseMs ?? 30_000
  if (!Number.isFinite(refreshLeaseMs) || refreshLeaseMs <= 0) {
    throw new TypeError(`Zoho config: refreshLeaseMs must be a positive number, got ${refreshLeaseMs}`)
  }
  const trim = (url: string) => url.replace(/\/+$/, '')
  return {
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    refreshToken: config.refreshToken,
    dataCenter,
    environment,
    accountsUrl: trim(config.accountsUrl ?? accountsUrl(dataCenter)),
    apiDomain:
      config.apiDomain !== undefined
        ? trim(config.apiDomain)
        : environment === 'production'
          ? undefined
          : apiDomain(dataCenter, environment),
    fallbackApiDomain: apiDomain(dataCenter, 'production'),
    tokenStore: config.tokenStore,
    tenant: config.tenant,
    refreshLeaseMs,
    refreshMarginMs: config.refreshMarginMs ?? 60_000,
    concurrency,
    timeoutMs: config.timeoutMs ?? 30_000,
    retry: {
      limit: config.retry?.limit ?? 4,
      baseDelayMs: config.retry?.baseDelayMs ?? 500,
      maxDelayMs: config.retry?.maxDelayMs ?? 20_000,
    },
    fetch: config.fetch,
  }
}
