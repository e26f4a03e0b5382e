import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { PushLedger, Store, TenantId, TokenStore } from '@edusync/core'
import type {
  CustomerLookups,
  CustomerSubject,
  QuickBooksAppCredentials,
  QuickBooksClient,
  QuickBooksConfig,
} from '@edusync/quickbooks'
import { createQuickBooksClient, createQuickBooksOAuth } from '@edusync/quickbooks'

/**
 * What the host needs to serve QuickBooks: the Intuit app, each tenant's company, where the push state
 * and tokens live, and where applicants and students come from (the school's admissions system or the
 * Store: the host decides).
 */
export interface QuickBooksHostDeps {
  /** The Intuit app (client id/secret, registered redirect URI). */
  readonly app: QuickBooksAppCredentials & { readonly redirectUri: string }
  /** Per tenant: its QuickBooks company id (the callback refuses another company). */
  readonly realms: Readonly<Record<TenantId, string>>
  readonly tokenStore: TokenStore
  readonly ledger: PushLedger
  readonly store?: Store
  /** The tenant's applicants and students, read fresh for every operation. */
  readonly subjects: (
    tenant: TenantId,
    kinds: ReadonlySet<'applicant' | 'student'>,
  ) => AsyncIterable<CustomerSubject> | Iterable<CustomerSubject>
  /** Enrichment lookups per tenant. */
  readonly lookups?: (tenant: TenantId) => CustomerLookups | undefined
  /**
   * Key signing the connect flow's `state`. Give every replica the same one when the callback may land on
   * another process than the connect. @default a random key of this process
   */
  readonly stateSecret?: string
  /** Extra client options (environment, limits, base URL of a mock). */
  readonly client?: Partial<QuickBooksConfig>
}

/** Builds per-tenant clients and the connect flow's signed `state`. */
export function createQuickBooksHost(deps: QuickBooksHostDeps) {
  const clients = new Map<TenantId, QuickBooksClient>()
  const oauth = createQuickBooksOAuth(deps.app)
  // `state` is signed, so a callback is accepted only for a connect this host started, for that tenant,
  // within ten minutes.
  const stateKey = deps.stateSecret ? Buffer.from(deps.stateSecret, 'utf8') : randomBytes(32)
  const sign = (payload: string) => createHmac('sha256', stateKey).update(payload).digest('base64url')
  return {
    deps,
    oauth,
    realmOf: (tenant: TenantId): string | undefined =>
      Object.hasOwn(deps.realms, tenant) ? deps.realms[tenant] : undefined,
    client(tenant: TenantId): QuickBooksClient | undefined {
      const realmId = Object.hasOwn(deps.realms, tenant) ? deps.realms[tenant] : undefined
      if (!realmId) return undefined
      let client = clients.get(tenant)
      if (!client) {
        client = createQuickBooksClient({
          ...deps.app,
          ...deps.client,
          tenant,
          realmId,
          tokenStore: deps.tokenStore,
        })
        clients.set(tenant, client)
      }
      return client
    },
    state(tenant: TenantId, now = Date.now()): string {
      const payload = Buffer.from(
        JSON.stringify({ t: tenant, e: now + 600_000, n: randomBytes(8).toString('hex') }),
      ).toString('base64url')
      return `${payload}.${sign(payload)}`
    },
    readState(state: string, now = Date.now()): TenantId | undefined {
      const [payload, mac] = state.split('.')
      if (!payload || !mac) return undefined
      const expected = Buffer.from(sign(payload))
      const given = Buffer.from(mac)
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined
      try {
        const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
          t: string
          e: number
        }
        return typeof data.t === 'string' && data.e > now ? data.t : undefined
      } catch {
        return undefined
      }
    },
  }
}

/** The QuickBooks side of the host. */
export type QuickBooksHost = ReturnType<typeof createQuickBooksHost>
