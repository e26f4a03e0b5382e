import type { Result, ResultAsync } from 'neverthrow'
import { err } from 'neverthrow'
import { StoreError } from '../errors/store-error.ts'
import { SyncError } from '../errors/sync-error.ts'
import type { Store } from '../store/store.ts'
import type { TenantId } from '../types/primitives.ts'
import type { Authenticated, Authenticator } from './authenticator.ts'
import type { IdempotencyKey } from './idempotency.ts'
import { deriveIdempotencyKey } from './idempotency.ts'
import { DEFAULT_MAX_BODY_BYTES, readRawBody } from './raw-body.ts'
import type { WebhookReply } from './responses.ts'
import { errorResponse, jsonResponse, replayResponse } from './responses.ts'
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
}

/** Idempotency settings of a handler (see {@link deriveIdempotencyKey} for how the key is chosen). */
export interface WebhookIdempotencyOptions<P> {
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
  /** How long a claim is held before another delivery may take over (a crashed worker). @default 60 s */
  readonly leaseMs?: number
}

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
  /** Reads the raw body into the payload, or refuses it (400/415). */
  readonly read: (body: Uint8Array, request: Request) => Result<P, WebhookError>
  /** Processes an authenticated, parsed, claimed delivery. An `err` is answered and the claim released. */
  readonly process: (input: WebhookInput<P, C>) => ResultAsync<WebhookReply, unknown>
  /** De-duplication of deliveries; off when absent. */
  readonly idempotency?: WebhookIdempotencyOptions<P>
  /** Larger bodies are refused with 413 before they are buffered. @default 1 MiB */
  readonly maxBodyBytes?: number
}

/** A web-standard webhook handler: wire it into any framework that speaks `Request`/`Response`. */
export type WebhookHandler<C> = (request: Request, context: C) => Promise<Response>

/**
 * Builds a webhook handler: resolve tenant -> read the raw body (413) -> authenticate over the exact bytes
 * (401/403) -> read the payload (400) -> claim the idempotency key (replay / 409 / 503) -> process ->
 * record the key as done **only after success** (a failure releases it, so the sender's retry runs).
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

  return async (request, context) => {
    const tenant = await options.resolveTenant(request, context)
    if (tenant === undefined) return errorResponse(new WebhookError('NotFound', 'unknown tenant'))
    const body = await readRawBody(request, maxBytes)
    if (body.isErr()) return errorResponse(body.error)
    const url = new URL(request.url)
    const auth = await options.authenticate({ request, url, body: body.value, tenant })
    if (auth.isErr()) return errorResponse(auth.error)
    const payload = options.read(body.value, request)
    if (payload.isErr()) return errorResponse(payload.error)

    if (!idem) {
      return run(options, auth.value, {
        tenant,
        payload: payload.value,
        request,
        context,
        idempotency: undefined,
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
    const claim = await idem.store.claimIdempotencyKey(tenant, {
      key: key.key,
      requestFingerprint: key.requestFingerprint,
      leaseMs: idem.leaseMs ?? 60_000,
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
            retryAfter: 1,
          }),
        )
      case 'claimed':
        break
      default:
        claim.value satisfies never
    }
    const input = { tenant, payload: payload.value, request, context, idempotency: key }
    const outcome = await safeProcess(options, input)
    if (outcome.isErr()) {
      // Release first so a retry is processed even when reporting the failure goes wrong.
      await idem.store.releaseIdempotencyKey(tenant, key.key)
      await auth.value.onFailure?.()
      return errorResponse(toWebhookError(outcome.error))
    }
    const reply = outcome.value
    const status = reply.status ?? 200
    // The work is committed at this point; if recording it fails, the lease simply expires and a duplicate
    // is processed again (UNCHANGED), which is safe. The sender still gets the real answer. A 5xx reply
    // (some record failed) is never remembered: its retry must be processed, not replayed.
    if (key.remember && status < 500) {
      await idem.store.completeIdempotencyKey(tenant, key.key, {
        status,
        body: reply.body,
        headers: reply.headers,
      })
    } else {
      await idem.store.releaseIdempotencyKey(tenant, key.key)
    }
    return jsonResponse(status, reply.body, reply.headers)
  }
}

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

/**
 * Maps any failure to the {@link WebhookError} answered: retryable Store and sync failures become 503 with
 * `Retry-After` (the sender retries and nothing is lost), anything else unknown a 500.
 */
export function toWebhookError(error: unknown): WebhookError {
  if (error instanceof WebhookError) return error
  if ((error instanceof StoreError || error instanceof SyncError) && error.retryable) {
    return new WebhookError('Unavailable', 'storage is temporarily unavailable; retry later', {
      cause: error,
      retryAfter: 5,
    })
  }
  return new WebhookError('Internal', 'internal error; the delivery was not recorded and may be retried', {
    cause: error,
  })
}
