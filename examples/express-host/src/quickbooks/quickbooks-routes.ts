import { createQuickBooksHandlers } from '@edusync/quickbooks/handlers'
import { apiAuth } from '../auth.ts'
import type { HostConfig } from '../config.ts'
import { tenantOf } from '../context.ts'
import { webhookLimits } from '../limits.ts'
import type { HostRoute } from '../wiring.ts'
import type { QuickBooksHost } from './quickbooks-host.ts'

/**
 * The QuickBooks routes of the route table, from `@edusync/quickbooks/handlers` (per tenant, behind the
 * tenant's API bearer token; the callback is proven by its signed `state`):
 * - `GET  /api/:tenant/quickbooks/connect` -> `{ url }` to send a person to for consent
 * - `GET  /quickbooks/callback?code&state&realmId` (Intuit redirects here) -> stores the tokens
 * - `GET  /api/:tenant/quickbooks/customers/analyze`
 * - `GET  /api/:tenant/quickbooks/customers/preview?kind=&limit=&offset=`
 * - `POST /api/:tenant/quickbooks/customers/sync` `{ batch_size, sync_applicants, sync_students }` -> 202, runs in the background
 * - `GET  /api/:tenant/quickbooks/customers/status` (ledger counts, failures, the running job's progress)
 * - `POST /api/:tenant/quickbooks/customers/retry` `{ kind?, ids? }` -> failed records due again
 *
 * `worker` names this process in the push ledger's claims (`<host>:<pid>`); `signal` stops the background
 * syncs between chunks at shutdown, and `idle` resolves once none runs.
 */
export function quickbooksRoutes(
  config: HostConfig,
  qb: QuickBooksHost,
  worker: string,
  signal: AbortSignal,
): { routes: HostRoute[]; idle: () => Promise<void> } {
  const handlers = createQuickBooksHandlers({
    tenants: qb,
    subjects: qb.subjects,
    knownTenant: (tenant) => tenantOf(config, tenant) !== undefined,
    authenticate: apiAuth(config),
    state: { secret: qb.stateSecret },
    limits: webhookLimits(config),
    worker: `${worker}:${process.pid}`,
    pushedBy: worker,
    signal,
  })
  const api = '/api/:tenant/quickbooks'
  const routes: HostRoute[] = [
    { method: 'GET', path: `${api}/connect`, handler: handlers.connect },
    { method: 'GET', path: '/quickbooks/callback', handler: handlers.callback },
    { method: 'GET', path: `${api}/customers/analyze`, handler: handlers.analyze },
    { method: 'GET', path: `${api}/customers/preview`, handler: handlers.preview },
    { method: 'POST', path: `${api}/customers/sync`, handler: handlers.sync, maxBodyBytes: 16 * 1024 },
    { method: 'GET', path: `${api}/customers/status`, handler: handlers.status },
    { method: 'POST', path: `${api}/customers/retry`, handler: handlers.retry, maxBodyBytes: 64 * 1024 },
  ]
  return { routes, idle: () => handlers.idle() }
}
