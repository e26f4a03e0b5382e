import { createHash, randomUUID } from 'node:crypto'
import type { StoredTokenSet, TokenStore } from '@edusync/core'
import { createMemoryTokenStore } from '@edusync/core'
import { withRetry } from '@edusync/http'
import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import type { ResolvedZohoConfig } from '../config.ts'
import { ZohoError } from '../errors.ts'
import type { Transport } from '../http/transport.ts'
import { tokenResponse } from '../schemas/token.ts'
import type { ZohoToken } from './zoho-token.ts'
import { fromTokenSet, toTokenSet } from './zoho-token.ts'

/** Hands out one access token per client and refreshes it, single-flight. */
export interface TokenManager {
  /** A token valid for at least the refresh margin; concurrent callers share one refresh. */
  get(): Promise<Result<ZohoToken, ZohoError>>
  /** Drops `accessToken` after Zoho rejected it, so the next {@link TokenManager.get} refreshes. */
  invalidate(accessToken: string): void
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// The tenant of a client without a configured token store: its store is private to the client.
const PRIVATE_TENANT = 'zoho-client'

/** The TokenStore key of a Zoho client's token: it identifies the refresh token without containing it. */
export function zohoTokenKey(
  config: Pick<ResolvedZohoConfig, 'accountsUrl' | 'clientId' | 'refreshToken'>,
): string {
  const digest = createHash('sha256').update(config.refreshToken).digest('hex').slice(0, 24)
  return `zoho:${config.accountsUrl}:${config.clientId}:${digest}`
}

/**
 * Creates the token manager of one client. The protocol, for Zoho's limit of 10 access tokens per refresh
 * token per 10 minutes:
 * 1. One refresh per client at a time (concurrent callers share the promise).
 * 2. Read the TokenStore: another client or process may already hold a fresh token.
 * 3. Take the token's refresh lease (one refresher across processes); while another holder has it, wait
 *    and re-read until its token appears (or the lease expires and this client takes it over).
 * 4. Refresh and store the token with compare-and-set against the version read under the lease.
 *
 * The store is an optimisation, never a point of failure: a store that cannot read, lease or write is
 * treated as empty and this client refreshes and keeps its own token.
 */
export function createTokenManager(
  config: ResolvedZohoConfig,
  transport: Transport,
  now: () => number = Date.now,
): TokenManager {
  const store: TokenStore = config.tokenStore ?? createMemoryTokenStore()
  const tenant = config.tenant ?? PRIVATE_TENANT
  const key = zohoTokenKey(config)
  const holder = randomUUID()
  const leaseMs = config.refreshLeaseMs
  const rejected = new Set<string>()
  let current: ZohoToken | undefined
  let inflight: Promise<Result<ZohoToken, ZohoError>> | undefined

  const fresh = (token: ZohoToken | undefined): token is ZohoToken =>
    token !== undefined &&
    !rejected.has(token.accessToken) &&
    token.expiresAt - config.refreshMarginMs > now()

  /** The stored pair (`null`: none), or `undefined` when the store failed (treated as empty). */
  async function read(): Promise<StoredTokenSet | null | undefined> {
    const stored = await store.read(tenant, key)
    return stored.isOk() ? stored.value : undefined
  }

  const usable = (stored: StoredTokenSet | null | undefined): ZohoToken | undefined => {
    if (!stored) return undefined
    const token = fromTokenSet(stored.tokens, config.fallbackApiDomain)
    return fresh(token) ? token : undefined
  }

  /** Refreshes and stores the token over what was read (`undefined`: the store failed, nothing is written). */
  async function refreshAndStore(
    seen: StoredTokenSet | null | undefined,
  ): Promise<Result<ZohoToken, ZohoError>> {
    const refreshed = await refresh()
    if (refreshed.isErr() || seen === undefined) return refreshed
    // A conflict means another holder wrote after its lease outlived ours: both tokens are valid, the
    // stored one serves the others and ours this client. A failed write only misses the sharing.
    await store.compareAndSet(tenant, key, seen?.version ?? null, toTokenSet(refreshed.value))
    return refreshed
  }

  async function acquire(): Promise<Result<ZohoToken, ZohoError>> {
    const started = now()
    for (;;) {
      const stored = await read()
      const shared = usable(stored)
      if (shared) return ok(shared)
      if (stored === undefined) return refresh()
      const lease = await store.acquireRefreshLease(tenant, key, { holder, leaseMs, now: new Date(now()) })
      if (lease.isErr()) return refresh()
      if (!lease.value) {
        // Another holder is refreshing: wait for its token, but never longer than its lease could last.
        if (now() - started <= leaseMs * 2) {
          await sleep(Math.min(250, leaseMs / 4))
          continue
        }
        return refreshAndStore(await read())
      }
      try {
        // Re-read under the lease: the previous holder may have stored a token just before releasing.
        const latest = await read()
        const token = usable(latest)
        if (token) return ok(token)
        return await refreshAndStore(latest)
      } finally {
        await store.releaseRefreshLease(tenant, key, holder)
      }
    }
  }

  async function refresh(): Promise<Result<ZohoToken, ZohoError>> {
    const url = `${config.accountsUrl}/oauth/v2/token`
    const request = { method: 'POST', url }
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: config.clientId,
      client_secret: config.clientSecret,
      refresh_token: config.refreshToken,
    })
    const issuedAt = now()
    const sent = await withRetry(() => transport({ method: 'POST', url, body: form }), config.retry, {
      idempotent: true,
    })
    if (sent.isErr()) return err(sent.error)
    const response = sent.value
    if (response.status === 429) {
      return err(
        new ZohoError('RateLimited', 'Zoho token endpoint kept answering 429', { request, status: 429 }),
      )
    }
    if (response.status >= 500) {
      return err(
        new ZohoError('Transport', `Zoho token endpoint answered HTTP ${response.status}`, {
          request,
          status: response.status,
        }),
      )
    }
    let json: unknown
    try {
      json = JSON.parse(response.body)
    } catch (cause) {
      return err(
        new ZohoError(
          'Decode',
          `Zoho token endpoint answered HTTP ${response.status} with a body that is not JSON`,
          {
            request,
            status: response.status,
            cause,
          },
        ),
      )
    }
    const parsed = tokenResponse.safeParse(json)
    if (!parsed.success || parsed.data.access_token === undefined) {
      const code = parsed.success ? parsed.data.error : undefined
      return err(
        new ZohoError(
          'Auth',
          `Zoho refused the refresh token: ${code ?? 'no access_token in the answer'} (check client id, secret, refresh token and data center)`,
          { request, status: response.status, ...(code ? { code } : {}) },
        ),
      )
    }
    const data = parsed.data
    const lifetimeSeconds = data.expires_in ?? data.expires_in_sec ?? 3600
    const token: ZohoToken = {
      accessToken: data.access_token as string,
      apiDomain: (data.api_domain ?? config.fallbackApiDomain).replace(/\/+$/, ''),
      expiresAt: issuedAt + lifetimeSeconds * 1000,
    }
    return ok(token)
  }

  return {
    get() {
      if (fresh(current)) return Promise.resolve(ok(current))
      if (!inflight) {
        inflight = acquire()
          .then((result) => {
            if (result.isOk()) current = result.value
            return result
          })
          .finally(() => {
            inflight = undefined
          })
      }
      return inflight
    },
    invalidate(accessToken) {
      rejected.add(accessToken)
      if (current?.accessToken === accessToken) current = undefined
    },
  }
}
