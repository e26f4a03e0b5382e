import type { InputLimits, TenantId } from '@edusync/core'
import type { HandlerBaseOptions, HandlerContext } from '@edusync/core/handlers'
import { routeTenant } from '@edusync/core/handlers'
import type { WebhookHandler, WebhookReply } from '@edusync/core/webhooks'
import { createWebhookHandler, errorResponse, jsonResponse, WebhookError } from '@edusync/core/webhooks'
import type { Result, ResultAsync } from 'neverthrow'
import { ok, okAsync } from 'neverthrow'
import { connectQuickBooks } from '../auth/connect.ts'
import type { QuickBooksError } from '../errors.ts'
import type { CustomerSubject } from '../map/customer.ts'
import type { SubjectSource } from '../sync/common.ts'
import {
  analyzeCustomers,
  customerStatus,
  previewCustomers,
  retryFailedCustomers,
} from '../sync/customer-report.ts'
import type { CustomerSyncContext } from '../sync/customer-sync.ts'
import { syncCustomers } from '../sync/customer-sync.ts'
import type { QuickBooksTenants } from '../tenants/quickbooks-tenants.ts'
import type { ConnectStateOptions } from './connect-state.ts'
import { createConnectState } from './connect-state.ts'
import { createCustomerJobs } from './customer-jobs.ts'
import { quickbooksFailure } from './quickbooks-reply.ts'
import {
  callbackQuery,
  jsonBody,
  previewQuery,
  queryOf,
  retryBody,
  syncBody,
  validate,
} from './quickbooks-requests.ts'

/** Who a customer is: an applicant or a student. */
export type CustomerKind = CustomerSubject['kind']

/** The largest sync body accepted by default (three small fields). */
export const DEFAULT_MAX_SYNC_BODY_BYTES = 16 * 1024

/** The largest retry body accepted by default (up to 1,000 ids). */
export const DEFAULT_MAX_RETRY_BODY_BYTES = 64 * 1024

/** Options of {@link createQuickBooksHandlers}. */
export interface QuickBooksHandlersOptions extends HandlerBaseOptions {
  /**
   * Each tenant's company, client and customer context (see `createQuickBooksTenants`). A tenant
   * `knownTenant` accepts but without a company is answered 404 like an unknown one.
   */
  readonly tenants: QuickBooksTenants
  /**
   * The tenant's applicants and students of the wanted kinds, read fresh for every operation (the school's
   * admissions system, the Store: the host decides).
   */
  readonly subjects: (tenant: TenantId, kinds: ReadonlySet<CustomerKind>) => SubjectSource
  /** How the connect flow's `state` is signed; set `secret` when several replicas serve the callback. */
  readonly state?: ConnectStateOptions | undefined
  /** The redirect URI registered for the Intuit app. @default the app's `redirectUri` */
  readonly redirectUri?: string | undefined
  /**
   * Larger sync and retry bodies are refused with 413.
   * @default {@link DEFAULT_MAX_SYNC_BODY_BYTES} for sync, {@link DEFAULT_MAX_RETRY_BODY_BYTES} for retry
   */
  readonly maxBodyBytes?: number | undefined
  /** Depth, text length and count limits checked on a body before it is parsed. @default core's `DEFAULT_INPUT_LIMITS` */
  readonly limits?: InputLimits | undefined
  /**
   * The worker id the background sync's claims are held under (reuse it after a restart to resume at
   * once). @default `syncCustomers`'s default
   */
  readonly worker?: string | undefined
  /** Who pushed, recorded in the ledger. @default the worker id */
  readonly pushedBy?: string | undefined
  /** Stops running background syncs between chunks (graceful shutdown); what was sent is recorded. */
  readonly signal?: AbortSignal | undefined
  /**
   * Keeps the runtime alive for a background sync after the 202 is sent, where it would otherwise stop
   * (Next.js `after`, a Workers `ctx.waitUntil`). @default nothing: a long-running server keeps going
   */
  readonly waitUntil?: ((work: Promise<unknown>) => void) | undefined
  /** Where the sync's 202 points to for its progress. @default `/api/<tenant>/quickbooks/customers/status` */
  readonly statusPath?: ((tenant: TenantId) => string) | undefined
}

/**
 * The QuickBooks endpoints, web-standard like core's handlers (`(Request, { params }) => Promise<Response>`,
 * `params.tenant` from the route except for the callback). Every endpoint but the callback requires the
 * tenant's credentials (`authenticate`); the callback is proven by the signed `state` instead.
 */
export interface QuickBooksHandlers {
  /** `GET …/:tenant/quickbooks/connect` -> `{ url }`: where to send a person for consent. */
  readonly connect: WebhookHandler<HandlerContext>
  /**
   * `GET /quickbooks/callback?code&state&realmId` (Intuit redirects the browser here): checks the signed
   * `state` (400 when forged or expired) and the company (409 when the tenant is configured for another
   * one), exchanges the code and stores the tokens -> `{ connected: { tenant, realmId } }`.
   */
  readonly callback: WebhookHandler<HandlerContext>
  /** `GET …/:tenant/quickbooks/customers/analyze`: counts per state (synced, not synced, failed...). */
  readonly analyze: WebhookHandler<HandlerContext>
  /** `GET …/:tenant/quickbooks/customers/preview?kind=&limit=&offset=`: what a sync would do, per record. */
  readonly preview: WebhookHandler<HandlerContext>
  /**
   * `POST …/:tenant/quickbooks/customers/sync` `{ batch_size?, sync_applicants?, sync_students? }` -> 202,
   * the sync runs in the background (409 while one of this process runs for the tenant).
   */
  readonly sync: WebhookHandler<HandlerContext>
  /** `GET …/:tenant/quickbooks/customers/status`: ledger counts, failures and the background job. */
  readonly status: WebhookHandler<HandlerContext>
  /** `POST …/:tenant/quickbooks/customers/retry` `{ kind?, ids? }`: failed records due again -> `{ reset }`. */
  readonly retry: WebhookHandler<HandlerContext>
  /** Resolves once no background sync started by these handlers is running. */
  idle(): Promise<void>
}

type Operation<P> = (input: {
  readonly tenant: TenantId
  readonly payload: P
  readonly context: CustomerSyncContext
  readonly handler: HandlerContext
}) => ResultAsync<WebhookReply, unknown>

/**
 * Builds the QuickBooks endpoints of a host: the connect flow (consent URL and the OAuth callback with a
 * signed `state`), and the customer API (analyze, preview, background sync, status, retry) over
 * `@edusync/quickbooks`'s customer operations. Unknown tenants and tenants without a company are 404,
 * missing credentials 401/403, bad queries and bodies 400 naming every field, QuickBooks failures 409
 * (re-consent) / 502 / 503 with Intuit's transaction id.
 *
 * @example
 * ```ts
 * const qb = createQuickBooksHandlers({
 *   tenants: createQuickBooksTenants({ app, realms, tokenStore, ledger }),
 *   subjects: (tenant, kinds) => admissions.people(tenant, kinds),
 *   knownTenant, authenticate: bearerAuth({ token: (t) => tenants[t]?.apiToken }),
 *   state: { secret: process.env.QUICKBOOKS_STATE_SECRET },
 * })
 * app.get('/quickbooks/callback', (c) => qb.callback(c.req.raw, { params: {} }))
 * app.post('/api/:tenant/quickbooks/customers/sync', (c) => qb.sync(c.req.raw, { params: c.req.param() }))
 * ```
 */
export function createQuickBooksHandlers(options: QuickBooksHandlersOptions): QuickBooksHandlers {
  const { tenants } = options
  const state = createConnectState(options.state)
  const jobs = createCustomerJobs()
  const subjects = (tenant: TenantId, wanted: readonly CustomerKind[]) =>
    options.subjects(tenant, new Set(wanted))
  const resolveTenant = routeTenant(
    async (tenant) => tenants.realmOf(tenant) !== undefined && (await options.knownTenant(tenant)),
  )

  function endpoint<P>(
    maxBodyBytes: number,
    read: (body: Uint8Array, request: Request) => Result<P, WebhookError>,
    operation: Operation<P>,
  ): WebhookHandler<HandlerContext> {
    return createWebhookHandler<P, HandlerContext>({
      resolveTenant,
      authenticate: options.authenticate,
      maxBodyBytes,
      read,
      process: ({ tenant, payload, context: handler }) => {
        const context = tenants.context(tenant)
        // The company was there when the tenant was resolved; a registry may have dropped it since.
        if (!context) return okAsync(notConnected)
        return operation({ tenant, payload, context, handler })
      },
    })
  }
  const reply =
    (status: number) =>
    <T>(result: ResultAsync<T, QuickBooksError>, body: (value: T) => unknown) =>
      result
        .map((value): WebhookReply => ({ status, body: body(value) }))
        .orElse((e) => ok(quickbooksFailure(e)))
  const ok200 = reply(200)
  const noBody = () => ok(undefined)
  const syncLimit = options.maxBodyBytes ?? DEFAULT_MAX_SYNC_BODY_BYTES
  const retryLimit = options.maxBodyBytes ?? DEFAULT_MAX_RETRY_BODY_BYTES

  const callback: WebhookHandler<HandlerContext> = async (request, handler) => {
    try {
      const query = queryOf(request)
      const parsed = validate(callbackQuery, query, 'callback')
      if (parsed.isErr()) return errorResponse(parsed.error)
      const { code, realmId } = parsed.value
      const tenant = state.read(parsed.value.state)
      if (!tenant) {
        return errorResponse(
          new WebhookError('BadRequest', 'unknown or expired state: start the connection again'),
        )
      }
      if (tenants.realmOf(tenant) !== realmId) {
        return errorResponse(
          new WebhookError(
            'Conflict',
            `this tenant is configured for another QuickBooks company than ${realmId}`,
          ),
        )
      }
      const connected = await connectQuickBooks(tenants.oauth, tenants.tokenStore, tenant, {
        code,
        realmId,
        ...(options.redirectUri ? { redirectUri: options.redirectUri } : {}),
      })
      if (connected.isErr()) {
        const failed = quickbooksFailure(connected.error)
        return jsonResponse(failed.status ?? 502, failed.body)
      }
      handler.tenant = tenant
      return jsonResponse(200, { connected: { tenant, realmId: connected.value.realmId } })
    } catch (cause) {
      return errorResponse(new WebhookError('Internal', 'internal error', { cause }))
    }
  }

  return {
    connect: endpoint(0, noBody, ({ tenant }) =>
      okAsync({
        status: 200,
        body: {
          url: tenants.oauth.authorizeUrl({
            state: state.issue(tenant),
            ...(options.redirectUri ? { redirectUri: options.redirectUri } : {}),
          }),
        },
      }),
    ),
    callback,
    analyze: endpoint(0, noBody, ({ tenant, context }) =>
      ok200(analyzeCustomers(subjects(tenant, ['applicant', 'student']), context), (data) => ({
        success: true,
        data,
      })),
    ),
    preview: endpoint(
      0,
      (_body, request) => validate(previewQuery, queryOf(request), 'query'),
      ({ tenant, payload, context }) => {
        const wanted: CustomerKind[] = payload.kind ? [payload.kind] : ['applicant', 'student']
        return ok200(previewCustomers(subjects(tenant, wanted), context, payload), (data) => ({
          success: true,
          data,
        }))
      },
    ),
    sync: endpoint(
      syncLimit,
      (body, request) =>
        jsonBody(body, request.headers.get('content-type'), options.limits).andThen((value) =>
          validate(syncBody, value, 'body'),
        ),
      ({ tenant, payload, context, handler }) => {
        const wanted: CustomerKind[] = [
          ...(payload.sync_applicants ? (['applicant'] as const) : []),
          ...(payload.sync_students ? (['student'] as const) : []),
        ]
        const started = jobs.start(tenant, async (job) => {
          const result = await syncCustomers(subjects(tenant, wanted), context, {
            batchSize: payload.batch_size,
            ...(options.worker ? { worker: options.worker } : {}),
            ...(options.pushedBy ? { pushedBy: options.pushedBy } : {}),
            ...(options.signal ? { signal: options.signal } : {}),
            onProgress: (progress) => {
              job.progress = progress
            },
          })
          if (result.isOk()) job.report = result.value
          else job.error = { reason: result.error.reason, message: result.error.message }
          handler.log?.info('quickbooks customer sync finished', { tenant, ok: result.isOk() })
        })
        if (!started) {
          return okAsync(conflict('a customer sync is already running for this tenant'))
        }
        options.waitUntil?.(started.done)
        const statusPath = options.statusPath?.(tenant) ?? `/api/${tenant}/quickbooks/customers/status`
        return okAsync({
          status: 202,
          body: { success: true, data: { started: started.job.startedAt, status: statusPath } },
        })
      },
    ),
    status: endpoint(0, noBody, ({ tenant, context }) =>
      ok200(customerStatus(context), (data) => ({
        success: true,
        data: { ...data, job: jobs.get(tenant) ?? null },
      })),
    ),
    retry: endpoint(
      retryLimit,
      (body, request) =>
        jsonBody(body, request.headers.get('content-type'), options.limits).andThen((value) =>
          validate(retryBody, value, 'body'),
        ),
      ({ payload, context }) => {
        const only = payload.kind && payload.ids ? { kind: payload.kind, ids: payload.ids } : undefined
        return ok200(retryFailedCustomers(context, only), (reset) => ({ success: true, data: { reset } }))
      },
    ),
    idle: () => jobs.idle(),
  }
}

const notConnected: WebhookReply = {
  status: 404,
  body: { error: { reason: 'NotFound', message: 'unknown tenant or no QuickBooks company configured' } },
}

function conflict(message: string): WebhookReply {
  return { status: 409, body: { error: { reason: 'Conflict', message } } }
}
