import type { PushLedger, Store, SyncEngine, TokenStore } from '@edusync/core'
import { createSyncEngine } from '@edusync/core'
import type { Finance } from '@edusync/core/finance'
import { createFinance, createMemoryFinanceStore } from '@edusync/core/finance'
import type { HandlerContext } from '@edusync/core/handlers'
import {
  createBulkSyncHandler,
  createDeleteHandlers,
  createListingHandlers,
  createPushLedgerHandlers,
  createSyncCoalescer,
} from '@edusync/core/handlers'
import type { WebhookHandler } from '@edusync/core/webhooks'
import { jsonResponse } from '@edusync/core/webhooks'
import { createMoodleEventHandler } from '@edusync/moodle/handlers'
import type { FieldMap, ZohoClient } from '@edusync/zoho'
import { createZohoClient, createZohoWebhookHandler, defaultFieldMap, withFieldMap } from '@edusync/zoho'
import { apiAuth, moodleAuth, zohoAuth } from './auth.ts'
import { claimSettings } from './claim-log.ts'
import type { HostConfig } from './config.ts'
import { tenantOf } from './context.ts'
import { financeHandlers } from './finance-handlers.ts'
import { bulkLimits, webhookLimits } from './limits.ts'
import type { Logger } from './logging.ts'
import { withModuleSwitches } from './module-switches.ts'
import type { DashboardPush } from './moodle/dashboard-push.ts'
import { createDashboardPush, PUSH_TARGETS } from './moodle/dashboard-push.ts'
import { moodleProvisionHandler } from './moodle/moodle-provision.ts'
import type { MoodleSide } from './moodle/moodle-side.ts'
import { createMoodleSide } from './moodle/moodle-side.ts'
import { moodleUsersHandler } from './moodle/moodle-users.ts'
import type { QuickBooksHost } from './quickbooks/quickbooks-host.ts'
import { quickbooksRoutes } from './quickbooks/quickbooks-routes.ts'

/** One endpoint: method, path (`:param` segments, as Express and Hono write them) and its handler. */
export interface HostRoute {
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly handler: WebhookHandler<HandlerContext>
  /**
   * The handler's body limit, for adapters that buffer the body before the handler runs (so they stop
   * keeping bytes past it); the handler itself answers 413. Absent for routes without a body.
   */
  readonly maxBodyBytes?: number
}

/** What {@link createHost} needs. */
export interface HostDeps {
  readonly config: HostConfig
  readonly store: Store
  readonly logger: Logger
  /** A tenant's Zoho client; by default built once per tenant from its `zoho` credentials. */
  readonly clientFor?: ((tenant: string) => ZohoClient | undefined) | undefined
  /** The Moodle side; built from the tenants' configuration when absent. */
  readonly moodle?: MoodleSide | undefined
  /** The finance API (see `openFinance`); an in-memory one when absent (tests, demos). */
  readonly finance?: Finance | undefined
  /** The tenants' module switches; a delivery for a switched-off module is acknowledged and skipped. */
  readonly moduleEnabled?: ((tenant: string, entity: string) => boolean) | undefined
  /**
   * The push ledger the Store's outbox writes into (`PgStore.pushLedger`, or the memory ledger given to
   * `createMemoryStore({ outbox })`). With it the host pushes the student dashboard after each sync and
   * serves `GET /api/:tenant/push/:target` and `POST /api/:tenant/push/:target/replay`.
   */
  readonly pushLedger?: PushLedger | undefined
  /** The QuickBooks connect flow and customer API; their routes are not mounted when absent. */
  readonly quickbooks?: QuickBooksHost | undefined
  /**
   * Where the tenants' Zoho clients keep their access tokens (`PgStore.tokenStore`): shared by every host
   * process, the worker and the CLI, so they reuse one token and refresh it one at a time (Zoho lets a
   * refresh token mint 10 access tokens per 10 minutes). Each client keeps its own when absent.
   */
  readonly tokenStore?: TokenStore | undefined
  /** The host's name in what it records (QuickBooks push claims). @default "express-host" */
  readonly name?: string | undefined
}

/** The host's endpoints plus its Moodle side (whose `drain` and `preflight` also run at start). */
export interface Host {
  readonly routes: readonly HostRoute[]
  readonly moodle: MoodleSide
  /** The dashboard push (when a push ledger was given): kicked after syncs, stopped at shutdown. */
  readonly dashboard?: DashboardPush | undefined
  /**
   * Stops the work the endpoints started in the background (QuickBooks customer syncs, between chunks;
   * dashboard pushes and their retry timers) and resolves once it has stopped; shutdown calls it before the Store closes.
   */
  stopBackground(): Promise<void>
}

/** The switch graceful shutdown flips (health then answers 503). */
export interface HostState {
  shuttingDown: boolean
}

/**
 * Every endpoint of the host, from the library's handlers: the configuration decides tenants, secrets,
 * limits and Zoho clients; the handlers do the rest. Any server mounts this table (see `app.ts` for
 * Express, the Hono host for Hono).
 */
export function createHost(deps: HostDeps, state: HostState): Host {
  const { config, store, logger } = deps
  // Webhook batches go through syncBatch (at most MAX_RECORDS_PER_WEBHOOK records); the bulk route
  // streams, so the engine's per-call record bound is the webhook one.
  const finance = deps.finance ?? createFinance({ store, finance: createMemoryFinanceStore(), logger })
  // Finance rides on the engine: students written here release the invoices parked for them, and a
  // student with open invoices is refused deletion.
  const engine: SyncEngine = createSyncEngine({
    store,
    logger,
    limits: webhookLimits(config),
    extensions: [finance.engineExtension],
  })
  const knownTenant = (tenant: string) => tenantOf(config, tenant) !== undefined
  const shared = createSyncCoalescer({ engine, logger })
  const coalescer = deps.moduleEnabled
    ? withModuleSwitches(shared, { enabled: deps.moduleEnabled, store })
    : shared
  // The claim lease (renewed by heartbeat while a delivery runs) and a log line per claim event.
  const idempotency = claimSettings(config)
  // One Zoho client per tenant for the webhooks and the Moodle side's grade and course write-backs.
  const zohoFor = deps.clientFor ?? zohoClients(config, deps.tokenStore)
  const zoho = createZohoWebhookHandler({
    engine,
    store,
    coalescer,
    knownTenant,
    authenticate: zohoAuth(config, store),
    maxBodyBytes: config.MAX_BODY_BYTES,
    limits: webhookLimits(config),
    idempotency,
    clientFor: zohoFor,
    fieldMapFor: fieldMaps(config),
    notificationToken: (tenant) => tenantOf(config, tenant)?.zohoSecret,
  })
  const api = { knownTenant, authenticate: apiAuth(config) }
  const list = createListingHandlers({ ...api, store })
  const deletes = createDeleteHandlers({
    ...api,
    engine,
    store,
    maxBodyBytes: config.MAX_BULK_BODY_BYTES,
    idempotency,
  })
  const moodle = deps.moodle ?? createMoodleSide({ config, store, engine, logger, zohoFor })
  const dashboard = deps.pushLedger
    ? createDashboardPush({ config, store, ledger: deps.pushLedger, logger, clientFor: moodle.client })
    : undefined
  // The push runs after the sync, in process, once the write (and its ledger rows) committed.
  const thenPush = (handler: WebhookHandler<HandlerContext>): WebhookHandler<HandlerContext> =>
    dashboard
      ? async (request, context) => {
          const response = await handler(request, context)
          if (response.ok && context.tenant !== undefined) void dashboard.kick(context.tenant)
          return response
        }
      : handler
  const money = financeHandlers(config, store, finance)
  const background = new AbortController()
  const quickbooks =
    deps.quickbooks &&
    quickbooksRoutes(config, deps.quickbooks, deps.name ?? 'express-host', background.signal)
  const routes: HostRoute[] = [
    { method: 'GET', path: '/health', handler: healthHandler(store, state) },
    {
      method: 'POST',
      path: '/webhooks/:tenant/zoho',
      handler: thenPush(zoho),
      maxBodyBytes: config.MAX_BODY_BYTES,
    },
    {
      method: 'POST',
      path: '/webhooks/:tenant/zoho/:module',
      handler: thenPush(zoho),
      maxBodyBytes: config.MAX_BODY_BYTES,
    },
    {
      method: 'POST',
      path: '/webhooks/:tenant/moodle/events',
      handler: createMoodleEventHandler({
        store,
        knownTenant,
        authenticate: moodleAuth(config),
        maxBodyBytes: config.MAX_BODY_BYTES,
        limits: webhookLimits(config),
        // Processed after the answer: the plugin waits for nothing but the event being stored.
        onAccepted: (tenant) => void moodle.drain(tenant),
      }),
      maxBodyBytes: config.MAX_BODY_BYTES,
    },
    {
      method: 'POST',
      path: '/api/:tenant/sync/:entity',
      handler: thenPush(
        createBulkSyncHandler({
          ...api,
          engine,
          store,
          maxBodyBytes: config.MAX_BULK_BODY_BYTES,
          limits: bulkLimits(config),
          idempotency,
        }),
      ),
      maxBodyBytes: config.MAX_BULK_BODY_BYTES,
    },
    { method: 'GET', path: '/api/:tenant/runs', handler: list.runs },
    { method: 'GET', path: '/api/:tenant/parked', handler: list.parked },
    { method: 'GET', path: '/api/:tenant/events', handler: list.events },
    {
      method: 'POST',
      path: '/api/:tenant/deletes/:entity',
      handler: thenPush(deletes.delete),
      maxBodyBytes: config.MAX_BULK_BODY_BYTES,
    },
    { method: 'GET', path: '/api/:tenant/deletions/quarantine', handler: list.quarantine },
    {
      method: 'POST',
      path: '/api/:tenant/deletions/quarantine/:id/approve',
      handler: thenPush(deletes.approve),
      maxBodyBytes: 64 * 1024,
    },
    {
      method: 'POST',
      path: '/api/:tenant/deletions/quarantine/:id/discard',
      handler: deletes.discard,
      maxBodyBytes: 64 * 1024,
    },
    { method: 'GET', path: '/api/:tenant/tombstones', handler: list.tombstones },
    {
      method: 'POST',
      path: '/api/:tenant/moodle/courses',
      handler: moodleProvisionHandler(config, moodle),
      maxBodyBytes: config.MAX_BODY_BYTES,
    },
    {
      method: 'POST',
      path: '/api/:tenant/moodle/users',
      handler: moodleUsersHandler(config, moodle),
      maxBodyBytes: config.MAX_BODY_BYTES,
    },
    {
      method: 'POST',
      path: '/api/:tenant/finance/:entity',
      handler: money.sync,
      maxBodyBytes: config.MAX_BULK_BODY_BYTES,
    },
    { method: 'GET', path: '/api/:tenant/students/:id/statement', handler: money.studentStatement },
    { method: 'GET', path: '/api/:tenant/statement', handler: money.schoolStatement },
    ...(quickbooks?.routes ?? []),
  ]
  if (deps.pushLedger) {
    const push = createPushLedgerHandlers({
      ...api,
      ledger: deps.pushLedger,
      targets: PUSH_TARGETS,
      afterReplay: (tenant) => void dashboard?.kick(tenant),
    })
    routes.push(
      { method: 'GET', path: '/api/:tenant/push/:target', handler: push.list },
      {
        method: 'POST',
        path: '/api/:tenant/push/:target/replay',
        handler: push.replay,
        maxBodyBytes: 1024 * 1024,
      },
    )
  }
  const stopBackground = async () => {
    background.abort()
    await Promise.all([quickbooks?.idle(), dashboard?.stop()])
  }
  return { routes, moodle, dashboard, stopBackground }
}

/**
 * `GET /health`: 200 when the Store answers a query, 503 otherwise (with `Retry-After`), so a load
 * balancer, and the Moodle plugin's periodic check, can tell.
 */
function healthHandler(store: Store, state: HostState): WebhookHandler<HandlerContext> {
  return async () => {
    if (state.shuttingDown) return jsonResponse(503, { status: 'shutting-down' }, { 'retry-after': '5' })
    const probe = await store.listRuns('__health__', { limit: 1 })
    if (probe.isErr()) {
      return jsonResponse(503, { status: 'unavailable', store: store.id }, { 'retry-after': '5' })
    }
    return jsonResponse(200, { status: 'ok', store: store.id })
  }
}

/** The answer for a path no route matches. */
export function notFound(): Response {
  return jsonResponse(404, { error: { reason: 'NotFound', message: 'no such route' } })
}

// Built once per tenant (a client single-flights its token refreshes and caps its calls in flight), over the
// shared token store when there is one.
function zohoClients(config: HostConfig, tokenStore: TokenStore | undefined) {
  const clients = new Map<string, ZohoClient | undefined>()
  return (tenant: string) => {
    if (!clients.has(tenant)) {
      const zoho = tenantOf(config, tenant)?.zoho
      clients.set(
        tenant,
        zoho ? createZohoClient(tokenStore ? { ...zoho, tokenStore, tenant } : zoho) : undefined,
      )
    }
    return clients.get(tenant)
  }
}

// The default field map with the tenant's currency, built once per tenant.
function fieldMaps(config: HostConfig) {
  const maps = new Map<string, FieldMap>()
  return (tenant: string): FieldMap => {
    let map = maps.get(tenant)
    if (!map) {
      const currency = tenantOf(config, tenant)?.defaultCurrency
      map = currency ? withFieldMap(defaultFieldMap, { defaultCurrency: currency }) : defaultFieldMap
      maps.set(tenant, map)
    }
    return map
  }
}
