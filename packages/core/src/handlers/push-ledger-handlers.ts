import type { Result } from 'neverthrow'
import { err, errAsync, ok, ResultAsync } from 'neverthrow'
import * as z from 'zod'
import { toParseIssues } from '../parse/zod-issues.ts'
import type { PushCounts, PushEntry, PushLedger } from '../push/push-ledger.ts'
import { pushStatuses } from '../push/push-ledger.ts'
import type { EntityName, TenantId } from '../types/primitives.ts'
import type { ParsedBody } from '../webhooks/body.ts'
import { parseBody } from '../webhooks/body.ts'
import { WebhookError } from '../webhooks/webhook-error.ts'
import type { WebhookHandler } from '../webhooks/webhook-handler.ts'
import { createWebhookHandler } from '../webhooks/webhook-handler.ts'
import type { HandlerContext } from './handler-context.ts'
import { routeTenant } from './handler-context.ts'
import type { HandlerBaseOptions } from './handler-options.ts'

/** Options of {@link createPushLedgerHandlers}. */
export interface PushLedgerHandlersOptions extends HandlerBaseOptions {
  /** The ledger listed and replayed (e.g. `PgStore.pushLedger`). */
  readonly ledger: PushLedger
  /** The targets exposed, by ledger name, each with its entities (in push order). Others answer 404. */
  readonly targets: Readonly<Record<string, readonly EntityName[]>>
  /**
   * Called after a replay made entries due (e.g. to start a push in the background), with the tenant
   * and target. Its failure is not the replay's.
   */
  readonly afterReplay?: (tenant: TenantId, target: string) => void
}

/** The push-ledger endpoints; see {@link createPushLedgerHandlers}. */
export interface PushLedgerHandlers {
  /**
   * `GET /…/:tenant/push/:target?entity=&status=&dead=true&after=&limit=`: counts per status of every
   * entity of the target, and the entries of one entity (`entity`), or of all of them in push order,
   * optionally of one status (`pending`, `in_progress`, `synced`, `failed`) or only dead letters
   * (`dead=true`), each with attempts, last error, next attempt and the target's id (`{ target, counts,
   * entries }`). Keyset paging by `after` (a record id) within one entity.
   */
  readonly list: WebhookHandler<HandlerContext>
  /**
   * `POST /…/:tenant/push/:target/replay` with `{}` (every failed entry of the target, dead letters
   * included), `{ "entity": "payment" }` (that entity's) or `{ "entity": "payment", "ids": ["…"] }` (those
   * records): makes them due now with attempts reset; answers `{ replayed }`.
   */
  readonly replay: WebhookHandler<HandlerContext>
}

const listQuery = z.object({
  entity: z.string().min(1).optional(),
  status: z.enum(pushStatuses as [string, ...string[]]).optional(),
  // Not z.coerce.boolean(): it reads "false" as true.
  dead: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  after: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})

const replayBody = z.strictObject({
  entity: z.string().min(1).optional(),
  ids: z.array(z.string().min(1)).min(1).max(10_000).optional(),
})

/**
 * Builds the push-ledger handlers (web-standard `Request -> Response`, mounted by any host): list what is
 * pending, failed or dead, and replay failures. 404 for an unknown tenant, target or entity; 401/403
 * without the tenant's credentials; 400 naming every bad parameter; 503 while the ledger is unavailable.
 *
 * @example
 * ```ts
 * const push = createPushLedgerHandlers({ ledger: store.pushLedger, targets: { 'moodle-dashboard': ['student', 'payment'] }, knownTenant, authenticate })
 * app.get('/api/:tenant/push/:target', (c) => push.list(c.req.raw, { params: c.req.param() }))
 * ```
 */
export function createPushLedgerHandlers(options: PushLedgerHandlersOptions): PushLedgerHandlers {
  const { ledger } = options
  const entitiesOf = (params: HandlerContext['params']): Result<readonly EntityName[], WebhookError> => {
    const target = params.target ?? ''
    const list = Object.hasOwn(options.targets, target) ? options.targets[target] : undefined
    return list ? ok(list) : err(new WebhookError('NotFound', `no push target "${target}"`))
  }
  const base = {
    resolveTenant: routeTenant(options.knownTenant),
    authenticate: options.authenticate,
  }

  const list = createWebhookHandler<z.output<typeof listQuery>, HandlerContext>({
    ...base,
    maxBodyBytes: 0,
    read: (_body, request) => {
      const query = Object.fromEntries(new URL(request.url).searchParams)
      const parsed = listQuery.safeParse(query)
      return parsed.success
        ? ok(parsed.data)
        : err(
            new WebhookError('BadRequest', 'invalid query', {
              issues: toParseIssues(parsed.error.issues, query),
            }),
          )
    },
    process: ({ tenant, payload: q, context }) => {
      const known = entitiesOf(context.params)
      if (known.isErr()) return errAsync(known.error)
      const target = context.params.target as string
      if (q.entity !== undefined && !known.value.includes(q.entity)) {
        return errAsync(new WebhookError('NotFound', `push target "${target}" has no entity "${q.entity}"`))
      }
      const entities = q.entity === undefined ? known.value : [q.entity]
      const listOptions = {
        ...(q.status === undefined ? {} : { status: q.status as PushEntry['status'] }),
        ...(q.dead ? { deadLetters: true } : {}),
        ...(q.after === undefined ? {} : { after: q.after }),
      }
      const entries = ResultAsync.fromPromise(
        (async () => {
          const out: PushEntry[] = []
          for (const entity of entities) {
            if (out.length >= q.limit) break
            const page = await ledger.list(tenant, target, entity, {
              ...listOptions,
              limit: q.limit - out.length,
            })
            if (page.isErr()) throw page.error
            out.push(...page.value)
          }
          return out
        })(),
        (error) => error,
      )
      return ResultAsync.combine([ledger.counts(tenant, target, known.value), entries] as const).map(
        ([counts, found]) => ({
          status: 200,
          body: {
            target,
            counts: Object.fromEntries(counts) as Record<EntityName, PushCounts>,
            entries: found,
          },
        }),
      )
    },
  })

  const replay = createWebhookHandler<z.output<typeof replayBody>, HandlerContext>({
    ...base,
    maxBodyBytes: 1024 * 1024,
    read: (body, request) =>
      body.length === 0 ? ok({}) : parseBody(body, request.headers.get('content-type')).andThen(readReplay),
    process: ({ tenant, payload, context }) => {
      const known = entitiesOf(context.params)
      if (known.isErr()) return errAsync(known.error)
      const target = context.params.target as string
      if (payload.ids && payload.entity === undefined) {
        return errAsync(new WebhookError('BadRequest', 'replaying ids needs their "entity"'))
      }
      if (payload.entity !== undefined && !known.value.includes(payload.entity)) {
        return errAsync(
          new WebhookError('NotFound', `push target "${target}" has no entity "${payload.entity}"`),
        )
      }
      const entities = payload.entity === undefined ? known.value : [payload.entity]
      return ResultAsync.combine(
        entities.map((entity) => ledger.retry(tenant, target, entity, payload.ids)),
      ).map((counts) => {
        const replayed = counts.reduce((a, b) => a + b, 0)
        context.log?.info('push ledger replayed', { tenant, target, replayed })
        if (replayed > 0) options.afterReplay?.(tenant, target)
        return { status: 200, body: { target, replayed } }
      })
    },
  })

  return { list, replay }
}

function readReplay(body: ParsedBody): Result<z.output<typeof replayBody>, WebhookError> {
  const parsed = replayBody.safeParse(body.value)
  if (parsed.success) return ok(parsed.data)
  return err(
    new WebhookError('BadRequest', 'expected {"entity"?: "...", "ids"?: ["..."]}', {
      issues: toParseIssues(parsed.error.issues, body.value),
    }),
  )
}
