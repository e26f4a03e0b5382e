import { errAsync, okAsync, ResultAsync } from 'neverthrow'
import type { Store } from '../store/store.ts'
import type { Authenticated, Authenticator, SecretSource } from './authenticator.ts'
import { resolveSecrets } from './authenticator.ts'
import { verifyHmac } from './hmac.ts'
import { WebhookError } from './webhook-error.ts'

/** Options of {@link hmacAuth}. */
export interface HmacAuthOptions {
  /** The tenant's signing secret(s). */
  readonly secret: SecretSource
  /** Header holding the signature (hex or base64, optional `sha256=` prefix). @default "x-signature" */
  readonly header?: string
  /**
   * Require a signed timestamp (unix seconds) within `toleranceSeconds` of now, which bounds how long a
   * captured request can be replayed. The signature then covers `"<timestamp>." + body`.
   */
  readonly timestamp?: { readonly header: string; readonly toleranceSeconds?: number }
  /**
   * Require a signed nonce, remembered in the Store's idempotency keys for twice the tolerance window, so
   * a captured request cannot be replayed even within the window. Needs `timestamp` (which bounds how
   * long a nonce must be remembered). The signature then covers `"<timestamp>.<nonce>." + body`.
   */
  readonly nonce?: { readonly header: string; readonly store: Store }
  /** Clock for tests. @default () => new Date() */
  readonly now?: () => Date
}

/**
 * Authenticates requests signed with HMAC-SHA256 over the exact raw body, comparing in constant time.
 *
 * @example
 * ```ts
 * const auth = hmacAuth({
 *   secret: (tenant) => secrets[tenant]?.signing,
 *   header: 'x-edusync-signature',
 *   timestamp: { header: 'x-edusync-timestamp', toleranceSeconds: 300 },
 *   nonce: { header: 'x-edusync-nonce', store },
 * })
 * ```
 */
export function hmacAuth(options: HmacAuthOptions): Authenticator {
  if (options.nonce && !options.timestamp) {
    throw new Error('hmacAuth: a nonce needs a timestamp (the window bounds how long nonces are kept)')
  }
  const header = options.header ?? 'x-signature'
  const tolerance = options.timestamp?.toleranceSeconds ?? 300
  const now = options.now ?? (() => new Date())
  const unauthenticated = (message: string) => errAsync(new WebhookError('Unauthenticated', message))

  return ({ request, body, tenant }) =>
    ResultAsync.fromSafePromise(resolveSecrets(options.secret, tenant)).andThen((secrets) => {
      if (secrets.length === 0) {
        return errAsync(new WebhookError('Forbidden', 'this tenant accepts no signed webhooks'))
      }
      const signature = request.headers.get(header)
      if (!signature) return unauthenticated(`missing signature header ${header}`)

      let timestamp: string | undefined
      if (options.timestamp) {
        timestamp = request.headers.get(options.timestamp.header) ?? undefined
        if (timestamp === undefined)
          return unauthenticated(`missing timestamp header ${options.timestamp.header}`)
        if (!/^\d{1,12}$/.test(timestamp)) return unauthenticated('timestamp must be unix seconds')
        const skew = Math.abs(now().getTime() / 1000 - Number(timestamp))
        if (skew > tolerance) return unauthenticated(`timestamp outside the ${tolerance} s tolerance window`)
      }
      let nonce: string | undefined
      if (options.nonce) {
        nonce = request.headers.get(options.nonce.header) ?? undefined
        if (nonce === undefined) return unauthenticated(`missing nonce header ${options.nonce.header}`)
        if (!/^[\w.:-]{8,200}$/.test(nonce))
          return unauthenticated('nonce must be 8-200 characters [A-Za-z0-9_.:-]')
      }
      // Verify before touching the Store: an unsigned request must not be able to burn a nonce.
      if (!verifyHmac(signature, secrets, body, { timestamp, nonce })) {
        return unauthenticated('signature does not match the body')
      }
      if (!options.nonce || nonce === undefined) return okAsync<Authenticated>({ scheme: 'hmac' })
      return claimNonce(options.nonce.store, tenant, nonce, tolerance, now())
    })
}

function claimNonce(
  store: Store,
  tenant: string,
  nonce: string,
  toleranceSeconds: number,
  now: Date,
): ResultAsync<Authenticated, WebhookError> {
  const key = `nonce:${nonce}`
  // A timestamp is accepted up to `tolerance` in the past or future, so a nonce must be remembered for
  // twice that; an unexpired lease is reported `in_progress`, which is all we need (never completed).
  const windowMs = 2 * toleranceSeconds * 1000
  return store
    .claimIdempotencyKey(tenant, {
      key,
      requestFingerprint: 'nonce',
      leaseMs: windowMs,
      ttlMs: windowMs,
      now,
    })
    .mapErr(
      (e) =>
        new WebhookError('Unavailable', 'could not record the nonce; retry later', {
          cause: e,
          retryAfter: 5,
        }),
    )
    .andThen((claim) =>
      claim.status === 'claimed'
        ? okAsync<Authenticated>({
            scheme: 'hmac',
            onFailure: async () => {
              await store.releaseIdempotencyKey(tenant, { key, token: claim.token })
            },
          })
        : errAsync(new WebhookError('Unauthenticated', 'nonce already used (replayed request)')),
    )
}
