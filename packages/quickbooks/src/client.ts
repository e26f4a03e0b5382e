import { ResultAsync } from 'neverthrow'
import type { QuickBooksOAuth } from './auth/oauth-client.ts'
import { createQuickBooksOAuth } from './auth/oauth-client.ts'
import { createTokenManager } from './auth/token-manager.ts'
import type { QuickBooksConfig } from './config.ts'
import { resolveConfig } from './config.ts'
import type { QuickBooksError } from './errors.ts'
import type { ApiCall } from './http/api-client.ts'
import { createApiCall } from './http/api-client.ts'
import { sharedRealmLimiter } from './http/limiter.ts'
import { createTransport } from './http/transport.ts'
import type { BatchApi } from './resources/batch.ts'
import { createBatchApi } from './resources/batch.ts'
import type { CdcApi } from './resources/cdc.ts'
import { createCdcApi } from './resources/cdc.ts'
import type { EntitiesApi } from './resources/entities.ts'
import { createEntitiesApi } from './resources/entities.ts'
import type { QueryApi } from './resources/query.ts'
import { createQueryApi } from './resources/query.ts'

/** A QuickBooks Online client for one company (realm) of one tenant. */
export interface QuickBooksClient {
  readonly tenant: string
  readonly realmId: string
  /** Paged queries. */
  readonly query: QueryApi
  /** Create, read, sparse update (with one 5010 re-read). */
  readonly entities: EntitiesApi
  /** The batch endpoint (30 items per call, per-item results). */
  readonly batch: BatchApi
  /** Change Data Capture. */
  readonly cdc: CdcApi
  /** The OAuth client of the app (refresh is done for you; this is for the connect flow). */
  readonly oauth: QuickBooksOAuth
  /** Any other Accounting API call, authenticated, limited and retried like the rest. */
  readonly request: ApiCall
  /** A current access token (refreshing if needed). Never log it. */
  token(): ResultAsync<string, QuickBooksError>
}

/**
 * Creates a QuickBooks Online client. Invalid configuration throws; everything after returns Results.
 * Tokens come from (and rotated tokens go to) `config.tokenStore`, under `quickbooks:<realmId>`; connect a
 * company first with {@link connectQuickBooks}.
 *
 * @example
 * ```ts
 * const qb = createQuickBooksClient({ tenant: 'acme', realmId, clientId, clientSecret, tokenStore })
 * for await (const page of qb.query.pages('Customer', 'SELECT * FROM Customer')) {
 *   if (page.isErr()) throw page.error
 *   console.log(page.value.length)
 * }
 * ```
 */
export function createQuickBooksClient(config: QuickBooksConfig): QuickBooksClient {
  const resolved = resolveConfig(config)
  const oauth = createQuickBooksOAuth(resolved.credentials, resolved.now)
  const tokens = createTokenManager({
    tenant: resolved.tenant,
    realmId: resolved.realmId,
    tokenStore: resolved.tokenStore,
    oauth,
    holder: resolved.holder,
    refreshMarginMs: resolved.refreshMarginMs,
    leaseMs: resolved.refreshLeaseMs,
    sleep: resolved.sleep,
    now: resolved.now,
  })
  const transport = createTransport({ timeoutMs: resolved.timeoutMs, fetch: resolved.fetch })
  const limiter = sharedRealmLimiter(resolved.realmId, resolved.limits, resolved.sleep)
  const call = createApiCall(resolved, transport, tokens, limiter)
  return {
    tenant: resolved.tenant,
    realmId: resolved.realmId,
    query: createQueryApi(call),
    entities: createEntitiesApi(call),
    batch: createBatchApi(call),
    cdc: createCdcApi(call, resolved.now),
    oauth,
    request: call,
    token: () => new ResultAsync(tokens.get()),
  }
}
