import type { TenantId, TokenStore } from '@edusync/core'
import type { QuickBooksLimits, Sleep } from './http/limiter.ts'
import { realSleep } from './http/limiter.ts'

/** Which QuickBooks environment: sandbox companies work only against the sandbox host. */
export type QuickBooksEnvironment = 'production' | 'sandbox'

/** Intuit's OAuth2 endpoints (api-facts §3.1). */
export const intuitOAuth = {
  authorize: 'https://appcenter.intuit.com/connect/oauth2',
  token: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
  revoke: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
} as const

/** The Accounting API host of an environment. */
export function apiBaseUrl(environment: QuickBooksEnvironment): string {
  return environment === 'sandbox'
    ? 'https://sandbox-quickbooks.api.intuit.com'
    : 'https://quickbooks.api.intuit.com'
}

/** The minor version sent on every call: 1-74 are deprecated and treated as 75 since Aug 2025. */
export const MINOR_VERSION = '75'

/** The app's OAuth credentials (Intuit developer portal). */
export interface QuickBooksAppCredentials {
  readonly clientId: string
  /** Never logged. */
  readonly clientSecret: string
  /** The redirect URI registered for the app (used by the connect flow). */
  readonly redirectUri?: string
  /** Overrides the token endpoint (a local mock). @default intuitOAuth.token */
  readonly tokenUrl?: string
  /** The fetch implementation. @default globalThis.fetch */
  readonly fetch?: typeof fetch
  /** Timeout of one token request. @default 30000 */
  readonly timeoutMs?: number
}

/**
 * Retry policy for 429, 5xx and timeouts. A `Retry-After` sets the wait, capped at 120 s (or
 * `throttleWaitMs`, if longer).
 */
export interface QuickBooksRetryOptions {
  /** Retries after the first attempt. @default 4 */
  readonly limit?: number
  /** Delay before the first 5xx / timeout retry; doubles each time. @default 1000 */
  readonly baseDelayMs?: number
  /** Upper bound of one such delay. @default 30000 */
  readonly maxDelayMs?: number
  /** Wait after a 429 without Retry-After (Intuit says 60 s). @default 60000 */
  readonly throttleWaitMs?: number
}

/** Configuration of {@link createQuickBooksClient}: one company (realm) of one tenant. */
export interface QuickBooksConfig extends QuickBooksAppCredentials {
  /** The tenant whose tokens are used. */
  readonly tenant: TenantId
  /** The QuickBooks company id (`realmId` from the OAuth redirect). */
  readonly realmId: string
  /** Where the rotating token pair lives (shared by every process of the tenant). */
  readonly tokenStore: TokenStore
  /** @default 'production' */
  readonly environment?: QuickBooksEnvironment
  /** Overrides the API host (a local mock). @default per environment */
  readonly baseUrl?: string
  /** Refresh this long before the access token expires. @default 300000 */
  readonly refreshMarginMs?: number
  /** How long one refresh may hold the realm's refresh lease. @default 30000 */
  readonly refreshLeaseMs?: number
  /** Identifies this client as lease holder. @default a random UUID */
  readonly holder?: string
  /** Per-realm limits. */
  readonly limits?: QuickBooksLimits
  /** Timeout of one API attempt (QuickBooks gives up after 120 s). @default 60000 */
  readonly timeoutMs?: number
  readonly retry?: QuickBooksRetryOptions
  /** Injectable sleep (tests). @default setTimeout */
  readonly sleep?: Sleep
  /** Injectable clock (tests). @default Date.now */
  readonly now?: () => number
}

/** {@link QuickBooksConfig} with every default applied. */
export interface ResolvedQuickBooksConfig {
  readonly tenant: TenantId
  readonly realmId: string
  readonly tokenStore: TokenStore
  readonly credentials: QuickBooksAppCredentials
  readonly baseUrl: string
  readonly refreshMarginMs: number
  readonly refreshLeaseMs: number
  readonly holder: string
  readonly limits: QuickBooksLimits
  readonly timeoutMs: number
  readonly retry: Required<QuickBooksRetryOptions>
  readonly sleep: Sleep
  readonly now: () => number
  readonly fetch: typeof fetch | undefined
}

/** Applies defaults and rejects invalid configuration (a programmer error, so it throws). */
export function resolveConfig(config: QuickBooksConfig): ResolvedQuickBooksConfig {
  for (const key of ['clientId', 'clientSecret', 'realmId', 'tenant'] as const) {
    if (typeof config[key] !== 'string' || config[key].length === 0) {
      throw new TypeError(`QuickBooks config: ${key} must be a non-empty string`)
    }
  }
  if (!/^\d+$/.test(config.realmId)) {
    throw new TypeError(
      `QuickBooks config: realmId must be the company's numeric id, got "${config.realmId}"`,
    )
  }
  if (!config.tokenStore) throw new TypeError('QuickBooks config: tokenStore is required')
  const environment = config.environment ?? 'production'
  if (environment !== 'production' && environment !== 'sandbox') {
    throw new TypeError(
      `QuickBooks config: environment must be "production" or "sandbox", got "${environment}"`,
    )
  }
  return {
    tenant: config.tenant,
    realmId: config.realmId,
    tokenStore: config.tokenStore,
    credentials: config,
    baseUrl: (config.baseUrl ?? apiBaseUrl(environment)).replace(/\/+$/, ''),
    refreshMarginMs: config.refreshMarginMs ?? 300_000,
    refreshLeaseMs: config.refreshLeaseMs ?? 30_000,
    holder: config.holder ?? crypto.randomUUID(),
    limits: config.limits ?? {},
    timeoutMs: config.timeoutMs ?? 60_000,
    retry: {
      limit: config.retry?.limit ?? 4,
      baseDelayMs: config.retry?.baseDelayMs ?? 1_000,
      maxDelayMs: config.retry?.maxDelayMs ?? 30_000,
      throttleWaitMs: config.retry?.throttleWaitMs ?? 60_000,
    },
    sleep: config.sleep ?? realSleep,
    now: config.now ?? Date.now,
    fetch: config.fetch,
  }
}
