import type { PushLedger, Store, TokenStore } from '@edusync/core'
import type { Finance } from '@edusync/core/finance'
import type { ZohoClient } from '@edusync/zoho'
import type { HostConfig, TenantConfig } from '../src/config.ts'
import { loadConfig } from '../src/config.ts'
import type { Logger } from '../src/logging.ts'
import { createLogger } from '../src/logging.ts'
import type { MoodleSide } from '../src/moodle/moodle-side.ts'
import { startServer } from './server-under-test.ts'

/** Secrets of the test tenants (each test uses its own tenant id, so tests share one Store safely). */
export const SECRETS = {
  zohoSecret: 'zoho-shared-secret-123',
  signingSecret: 'hmac-signing-secret-456',
  moodleToken: 'moodle-plugin-token-789',
  apiToken: 'bulk-api-token-000-abc',
} as const

/** A running host on a random loopback port. */
export interface TestHost {
  readonly url: string
  readonly logs: string[]
  /** The host's Moodle side (tests await `drain` to see a plugin event processed). */
  readonly moodle: MoodleSide
  close(): Promise<void>
}

/** Starts the host under test (Express here, Hono in the Hono host's project) over `store` with the given tenants. */
export async function startHost(options: {
  store: Store
  tenants: Record<string, TenantConfig>
  env?: Record<string, string>
  clientFor?: (tenant: string) => ZohoClient | undefined
  /** Builds the Moodle side (e.g. with an injected Zoho client); by default from the tenants' config. */
  moodle?: (config: HostConfig, logger: Logger) => MoodleSide
  finance?: Finance
  /** The ledger the Store's outbox writes into (turns the dashboard push and its routes on). */
  pushLedger?: PushLedger
  /** Where the tenants' Zoho clients keep their access tokens (as `main.ts` passes `PgStore.tokenStore`). */
  tokenStore?: TokenStore
}): Promise<TestHost> {
  const config = loadConfig({
    NODE_ENV: 'test',
    EDUSYNC_TENANTS: JSON.stringify(options.tenants),
    LOG_LEVEL: 'debug',
    ...options.env,
  })
  const logs: string[] = []
  const logger = createLogger('debug', (line) => logs.push(line))
  const server = await startServer({
    config,
    store: options.store,
    logger,
    clientFor: options.clientFor,
    moodle: options.moodle?.(config, logger),
    finance: options.finance,
    pushLedger: options.pushLedger,
    tokenStore: options.tokenStore,
  })
  return { url: server.url, logs, moodle: server.moodle, close: () => server.close() }
}

/** A tenant with every secret, optionally Zoho API credentials. */
export function tenant(extra: Partial<TenantConfig> = {}): TenantConfig {
  return { ...SECRETS, defaultCurrency: 'USD', ...extra }
}

/** Posts JSON (or a string body as is) and returns status, headers and parsed JSON. */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Reply }> {
  const raw = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body)
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw,
  })
  const text = await response.text()
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : null) as Reply,
  }
}

/** The reply shapes tests read (a loose view of the JSON bodies). */
export interface Reply {
  entity?: string
  counts: Record<string, number>
  outcomes: {
    status: string
    id?: string
    entity: string
    issues?: { path: string; rule: string }[]
    waitingFor?: unknown[]
  }[]
  replayed: { status: string; id?: string; entity: string }[]
  error: { reason: string; message: string; issues?: { path: string; rule: string; received?: unknown }[] }
  [key: string]: unknown
}
