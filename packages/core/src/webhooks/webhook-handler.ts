import type { Result, ResultAsync } from 'neverthrow'
import { err } from 'neverthrow'
import { StoreError } from '../errors/store-error.ts'
import { SyncError } from '../errors/sync-error.ts'
import type { Store } from '../store/store.ts'
import type { TenantId } from '../types/primitives.ts'
import type { Authenticated, Authenticator } from './authenticator.ts'
import type { ClaimEvent } from './claim-event.ts'
import { createClaimGroups } from './claim-groups.ts'
import { startClaimHeartbeat } from './claim-heartbeat.ts'
import type { ClaimSettlement } from './claim-settler.ts'
import { createClaimSettler } from './claim-settler.ts'
import type { IdempotencyKey } from './idempotency.ts'
import { deriveIdempotencyKey } from './idempotency.ts'
import { DEFAULT_MAX_BODY_BYTES, readRawBody } from './raw-body.ts'
import type { WebhookReply } from './responses.ts'
import { errorResponse, jsonResponse, replayResponse } from './responses.ts'
import { encodeStoredReply } from './stored-reply.ts'
import { WebhookError } from './webhook-error.ts'

/** What {@link WebhookHandlerOptions.process} receives. */
export interface WebhookInput<P, C> {
  readonly tenant: TenantId
  readonly payload: P
  readonly request: Request
  /** The host's per-request context (route params, logger, request id...). */
  readonly context: C
  /** The idempotency key the delivery was claimed under, if idempotency is on. */
  readonly idempotency: IdempotencyKey | undefined
  /**
   * Aborted when the delivery's claim is lost: this process stalled past the lease and another delivery
   * of the same key took over. Work that can stop early may; whatever it still writes must be idempotent
   * (the engine's is), and its answer is not recorded. Never aborted without idempotency.
   */
  readonly signal: AbortSignal
}

/** Idempotency settings of a handler (see {@link deriveIdempotencyKey} for how the key is chosen). */
export interface WebhookIdempotencyOptions<P, C = unknown> {
  /** Where keys are claimed, atomically. */
  readonly store: Store
  /** Key namespace, e.g. `"zoho"`. */
  readonly sender: string
  /** The sender's event id in the payload, when it has one. */
  readonly eventId?: (payload: P) => string | undefined
  /** A content version (e.g. the record's modified time) for fingerprint keys. */
  readonly version?: (payload: P) => string | undefined
  /** Header carrying a client-chosen key; `false` ignores it. @default "idempotency-key" */
  readonly header?: string | false
  /** How long a completed key is remembered. @default 24 hours */
  readonly ttlMs?: number
  /**
   * How long a claim is held without a heartbeat before another delivery may take it over. While the work
   * runs, the claim is renewed every third of it, so a slow live delivery keeps its claim and the
   * deliveries of a crashed or frozen process are taken over within this time. A duplicate that arrives
   * meanwhile is answered 409 with `Retry-After` set to what is left of the lease. Keep it well above the
   * longest pause the process can have (a GC pause, a blocked event loop) and the Store's round trip.
   * @default 5000
   */
  readonly leaseMs?: number
  /** Told what happened to a claim after it was taken (lost, a retried settlement...): log it. */
  readonly onClaimEvent?: (event: ClaimEvent, context: C) => void
  /**
   * Largest reply (JSON bytes) remembered for replays; a larger one is remembered as a preview marked
   * `replayTruncated` (see {@link encodeStoredReply}). @default 256 KiB
   */
  readonly maxStoredReplyBytes?: number
}

/** The default lease of a delivery's idempotency claim, in milliseconds. */
export const DEFAULT_IDEMPOTENCY_LEASE_MS = 5_000

/** Options of {@link createWebhookHandler}. */
export interface WebhookHandlerOptions<P, C> {
  /**
   * The tenant this request is for, from what the host trusts: the route (`/webhooks/:tenant/...`), a
   * host name, or a key lookup. Never from an unauthenticated header alone: the tenant's secrets are then
   * checked by `authenticate`. `undefined` answers 404.
   */
  readonly resolveTenant: (
    request: Request,
    context: C,
  ) => TenantId | undefined | Promise<TenantId | undefined>
  readonly authenticate: Authenticator
  /** Reads the raw body into the payload, or refuses it (400/415); `context` carries e.g. route params. */
  readonly read: (body: Uint8Array, request: Request, context: C) => Result<P, WebhookError>
  /** Processes an authenticated, parsed, claimed delivery. An `err` is answered and the claim released. */
  readonly process: (input: WebhookInput<P, C>) => ResultAsync<WebhookReply, unknown>
  /** De-duplication of deliveries; off when absent. */
  readonly idempotency?: WebhookIdempotencyOptions<P, C>
  /** Larger bodies are refused with 413 before they are buffered. @default 1 MiB */
  readonly maxBodyBytes?: number
}

/** A web-standard webhook handler: wire it into any framework that speaks `Request`/`Response`. */
export type WebhookHandler<C> = (request: Request, context: C) => Promise<Response>

/**
 * Builds a webhook handler: resolve tenant -> read the raw body (413) -> authenticate over the exact bytes
 * (401/403) -> read the payload (400) -> claim the idempotency key (replay / 409 / 503) -> process while
 * a heartbeat renews the claim -> record the key as done **only after success** (a failure releases it,
 * so the sender's retry runs). Every step after the claim presents the claim's fencing token: a process
 * that stalled past the lease cannot complete or release the claim another delivery took over.
 *
 * @example
 * ```ts
 * const handle = createWebhookHandler({
 *   resolveTenant: (_req, ctx: { tenant: string }) => ctx.tenant,
 *   authenticate: sharedSecretAuth({ secret: (t) => secrets[t], header: 'x-zoho-secret' }),
 *   read: (body, req) => parseBody(body, req.headers.get('content-type')),
 *   idempotency: { store, sender: 'zoho' },
 *   process: ({ tenant, payload }) => engine.syncBatch({ tenant, entity: 'student', records: [payload.value] }).map(syncReply),
 * })
 * const response = await handle(request, { tenant: 'acme' })
 * ```
 */
export function createWebhookHandler<P, C = undefined>(
  options: WebhookHandlerOptions<P, C>,
): WebhookHandler<C> {
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  const idem = options.idempotency
  const leaseMs = idem?.leaseMs ?? DEFAULT_IDEMPOTENCY_LEASE_MS
  // Concurrent deliveries claim and complete their keys in shared statements (one round trip and one
  // commit per group instead of per delivery); each still gets its own answer.
  const groups = idem && createClaimGroups({ store: idem.store })
  const settler =
    idem && groups && createClaimSettler({ store: idem.store, leaseMs, complete: groups.complete })

  const handle: WebhookHandler<C> = async (request, context) => {
    const tenant = await options.resolveTenant(request, context)
    if (tenant === undefined) return errorResponse(new WebhookError('NotFound', 'unknown tenant'))
    const body = await readRawBody(request, maxBytes)
    if (body.isErr()) return errorResponse(body.error)
    const url = new URL(request.url)
    const auth = await options.authenticate({ request, url, body: body.value, tenant })
    if (auth.isErr()) return errorResponse(auth.error)
    const payload = options.read(body.value, request, context)
    if (payload.isErr()) return errorResponse(payload.error)

    if (!idem || !settler || !groups) {
      return run(options, auth.value, {
        tenant,
        payload: payload.value,
        request,
        context,
        idempotency: undefined,
        signal: NEVER_ABORTED,
      })
    }
    const headerName = idem.header === undefined ? 'idempotency-key' : idem.header
    const key = deriveIdempotencyKey({
      sender: idem.sender,
      body: body.value,
      eventId: idem.eventId?.(payload.value),
      headerKey: headerName === false ? undefined : (request.headers.get(headerName) ?? undefined),
      version: idem.version?.(payload.value),
    })
    const onEvent = (event: ClaimEvent) => idem.onClaimEvent?.(event, context)
    // A settlement of this key that failed earlier (the Store was down) is retried first, so the
    // sender's retry is not refused by the claim its own failed delivery left behind.
    await settler.flush(tenant, key.key)
    const claim = await groups.claim(tenant, {
      key: key.key,
      requestFingerprint: key.requestFingerprint,
      leaseMs,
      ttlMs: idem.ttlMs ?? 24 * 3_600_000,
    })
    if (claim.isErr()) {
      await auth.value.onFailure?.()
      return errorResponse(toWebhookError(claim.error))
    }
    switch (claim.value.status) {
      case 'completed':
        return replayResponse(claim.value.response)
      case 'mismatch':
        return errorResponse(
          new WebhookError(
            'Conflict',
            `this ${key.source === 'event' ? 'event id' : 'Idempotency-Key'} was already used with a different body`,
          ),
        )
      case 'in_progress':
        return errorResponse(
          new WebhookError('InProgress', 'the same delivery is being processed; retry shortly', {
            retryAfter: Math.max(1, Math.ceil(claim.value.expiresInMs / 1000)),
          }),
        )
      case 'claimed':
        break
      default:
        claim.value satisfies never
    }
    const holder = { key: key.key, token: claim.value.token }
    const heartbeat = startClaimHeartbeat({ store: idem.store, tenant, holder, leaseMs, onEvent })
    const input = {
      tenant,
      payload: payload.value,
      request,
      context,
      idempotency: key,
      signal: heartbeat.signal,
    }
    const outcome = await safeProcess(options, input)
    heartbeat.stop()
    if (outcome.isErr()) {
      // Release first so a retry is processed even when reporting the failure goes wrong.
      await settler.settle(tenant, holder, { step: 'release' }, onEvent)
      await auth.value.onFailure?.()
      return errorResponse(toWebhookError(outcome.error))
    }
    const reply = outcome.value
    const status = reply.status ?? 200
    // The work is committed at this point. If recording it fails, it is retried in the background; failing
    // that, the lease runs out and a duplicate is processed again (UNCHANGED), which is safe. A claim lost
    // to another delivery is not overwritten (the Store refuses it). The sender gets the real answer in
    // every case. A 5xx reply (some record failed) is never remembered: its retry must be processed.
    const settlement: ClaimSettlement =
      key.remember && status < 500
        ? {
            step: 'complete',
            // Capped and made storable: what a sender posts never decides how much the Store writes.
            response: encodeStoredReply(
              { status, body: reply.body, headers: reply.headers },
              idem.maxStoredReplyBytes,
            ),
          }
        : { step: 'release' }
    await settler.settle(tenant, holder, settlement, onEvent)
    return jsonResponse(status, reply.body, reply.headers)
  }
  // A handler answers every request; a throw anywhere above (a reader or host hook with a bug, a reply
  // JSON cannot encode) is a 500, never an exception for the framework to turn into a dropped socket.
  return async (request, context) => {
    try {
      return await handle(request, context)
    } catch (cause) {
      return errorResponse(
        new WebhookError('Internal', 'internal error; the delivery was not recorded', { cause }),
      )
    }
  }
}

const NEVER_ABORTED = new AbortController().signal

// A process function that throws (a bug) must still release the claim, so it is turned into an `err`.
async function safeProcess<P, C>(options: WebhookHandlerOptions<P, C>, input: WebhookInput<P, C>) {
  try {
    return await options.process(input)
  } catch (cause) {
    return err(cause)
  }
}

async function run<P, C>(
  options: WebhookHandlerOptions<P, C>,
  auth: Authenticated,
  input: WebhookInput<P, C>,
) {
  const outcome = await safeProcess(options, input)
  if (outcome.isErr()) {
    await auth.onFailure?.()
    return errorResponse(toWebhookError(outcome.error))
  }
  return jsonResponse(outcome.value.status ?? 200, outcome.value.body, outcome.value.headers)
}

function neverSucceeds(error: unknown): boolean {
  if (error instanceof StoreError) return error.reason === 'Invalid'
  if (error instanceof SyncError) {
    return error.reason === 'Invalid' || (error.reason === 'Store' && neverSucceeds(error.cause))
  }
  return false
}

/**
 * Maps any failure to the {@link WebhookError} answered: retryable Store and sync failures become 503 with
 * `Retry-After` (the sender retries and nothing is lost), content the Store refuses as invalid 422 (a
 * retry cannot help), anything else unknown a 500.
 */
export function toWebhookError(error: unknown): WebhookError {
  if (error instanceof WebhookError) return error
  if ((error instanceof StoreError || error instanceof SyncError) && error.retryable) {
    return new WebhookError('Unavailable', 'storage is temporarily unavailable; retry later', {
      cause: error,
      retryAfter: 5,
    })
  }
  // Content the Store refuses as invalid (or input the engine refuses whole) fails the same way on every
  // retry: a 4xx, so a sender that retries 5xx does not retry it forever.
  if (neverSucceeds(error)) {
    return new WebhookError(
      'Unprocessable',
      `the delivery cannot be stored as sent: ${(error as Error).message}`,
      { cause: error },
    )
  }
  return new WebhookError('Internal', 'internal error; the delivery was not recorded and may be retried', {
    cause: error,
  })
}
