import type { ResultAsync } from 'neverthrow'
import { err, ok } from 'neverthrow'
import * as z from 'zod'
import type { StoreError } from '../errors/store-error.ts'
import { toParseIssues } from '../parse/zod-issues.ts'
import type { Store } from '../store/store.ts'
import type { TenantId } from '../types/primitives.ts'
import { WebhookError } from '../webhooks/webhook-error.ts'
import type { WebhookHandler } from '../webhooks/webhook-handler.ts'
import { createWebhookHandler } from '../webhooks/webhook-handler.ts'
import type { HandlerContext } from './handler-context.ts'
import { routeTenant } from './handler-context.ts'
import type { HandlerBaseOptions } from './handler-options.ts'

const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback)

const runsQuery = z.object({
  step: z.string().min(1).optional(),
  status: z.enum(['pending', 'running', 'completed', 'failed']).optional(),
  limit: limit(1000, 50),
})

const parkedQuery = z.object({
  entity: z.string().min(1).optional(),
  limit: limit(1000, 100),
})

const eventsQuery = z.object({
  source: z.string().min(1).optional(),
  type: z.string().min(1).optional(),
  // Not z.coerce.boolean(): it reads "false" as true.
  handled: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  limit: limit(1000, 100),
})

const quarantineQuery = z.object({
  status: z.enum(['pending', 'approved', 'discarded']).optional(),
  limit: limit(1000, 100),
})

const tombstonesQuery = z.object({
  entity: z.string().min(1).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  limit: limit(1000, 100),
})

/** Options of {@link createListingHandlers}. */
export interface ListingHandlersOptions extends HandlerBaseOptions {
  /** The Store listed from. */
  readonly store: Store
}

/** The read-only endpoints any host exposes beside its webhooks; see {@link createListingHandlers}. */
export interface ListingHandlers {
  /** `GET /…/:tenant/runs?step=&status=&limit=`: sync runs, newest first (`{ runs }`). */
  readonly runs: WebhookHandler<HandlerContext>
  /** `GET /…/:tenant/parked?entity=&limit=`: DEFERRED records, oldest first, with what they wait for. */
  readonly parked: WebhookHandler<HandlerContext>
  /**
   * `GET /…/:tenant/events?source=&type=&handled=&limit=`: the inbound-event inbox, oldest first;
   * `handled=false` lists what still waits for a handler.
   */
  readonly events: WebhookHandler<HandlerContext>
  /**
   * `GET /…/:tenant/deletions/quarantine?status=&limit=`: deletion waves the mass-deletion guard held,
   * oldest first, each with why and everything it would delete (`{ waves }`).
   */
  readonly quarantine: WebhookHandler<HandlerContext>
  /**
   * `GET /…/:tenant/tombstones?entity=&since=&limit=`: the deletion feed, oldest deletion first, each with
   * the record's last data, source and reason; an outbound pusher passes the last `deletedAt` as `since`.
   */
  readonly tombstones: WebhookHandler<HandlerContext>
}

/**
 * Builds the listing handlers (runs, parked records, inbound events). Each answers 404 for an unknown
 * tenant, 401/403 without the tenant's credentials, 400 naming every bad query parameter, 503 with
 * `Retry-After` while the Store is unavailable, else 200 with JSON.
 *
 * @example
 * ```ts
 * const list = createListingHandlers({ store, knownTenant, authenticate: bearerAuth({ token }) })
 * app.get('/api/:tenant/runs', (c) => list.runs(c.req.raw, { params: c.req.param() }))
 * ```
 */
export function createListingHandlers(options: ListingHandlersOptions): ListingHandlers {
  const { store } = options
  return {
    runs: listing(options, runsQuery, (tenant, q) => store.listRuns(tenant, q).map((runs) => ({ runs }))),
    parked: listing(options, parkedQuery, (tenant, q) =>
      store.listParked(tenant, q).map((parked) => ({ parked })),
    ),
    events: listing(options, eventsQuery, (tenant, q) =>
      store.listEvents(tenant, q).map((events) => ({ events })),
    ),
    quarantine: listing(options, quarantineQuery, (tenant, q) =>
      store.listQuarantine(tenant, q).map((waves) => ({ waves })),
    ),
    tombstones: listing(options, tombstonesQuery, (tenant, q) =>
      store
        .listTombstones(tenant, {
          entity: q.entity,
          since: q.since === undefined ? undefined : new Date(q.since),
          limit: q.limit,
        })
        .map((tombstones) => ({ tombstones })),
    ),
  }
}

// Listings read: no body beyond the (empty) one a GET has, no idempotency.
function listing<S extends z.ZodType>(
  options: HandlerBaseOptions,
  schema: S,
  list: (tenant: TenantId, query: z.output<S>) => ResultAsync<unknown, StoreError>,
): WebhookHandler<HandlerContext> {
  return createWebhookHandler<z.output<S>, HandlerContext>({
    resolveTenant: routeTenant(options.knownTenant),
    authenticate: options.authenticate,
    maxBodyBytes: 0,
    read: (_body, request) => {
      const query = Object.fromEntries(new URL(request.url).searchParams)
      const parsed = schema.safeParse(query)
      return parsed.success
        ? ok(parsed.data)
        : err(
            new WebhookError('BadRequest', 'invalid query', {
              issues: toParseIssues(parsed.error.issues, query),
            }),
          )
    },
    process: ({ tenant, payload }) => list(tenant, payload).map((body) => ({ status: 200, body })),
  })
}
