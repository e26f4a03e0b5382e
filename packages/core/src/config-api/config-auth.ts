import { randomUUID } from 'node:crypto'
import type { Store } from '../store/store.ts'
import { matchesAny } from '../webhooks/constant-time.ts'
import { signHmac, verifyHmac } from '../webhooks/hmac.ts'

/** Headers of a signed configuration request. */
export const CONFIG_HEADERS = {
  signature: 'x-edusync-signature',
  timestamp: 'x-edusync-timestamp',
  nonce: 'x-edusync-nonce',
} as const

/** How configuration requests are authenticated (at least one of the two). */
export interface ConfigAuthOptions {
  /** Admin bearer tokens (`Authorization: Bearer <token>`); several during a rotation. */
  readonly adminTokens?: readonly string[]
  /** The actor audited for admin-token requests (e.g. `cli:<user>`). @default "admin" */
  readonly adminActor?: string
  /**
   * HMAC-SHA256 signing secrets of the embedded widget / CLI (several during a rotation). A request signs
   * `"<timestamp>.<nonce>." + METHOD + " " + path?query + "\n" + body` (see {@link signConfigRequest}).
   */
  readonly signingSecrets?: readonly string[]
  /** How far a signed timestamp may be from now. @default 300 */
  readonly toleranceSeconds?: number
  /** Where used nonces are remembered (idempotency keys of the Store's `nonceTenant`). */
  readonly nonceStore?: Store
  /** The Store tenant nonces are kept under. @default "edusync-config" */
  readonly nonceTenant?: string
}

/** Who a request authenticated as, or why not. */
export type ConfigAuthResult =
  | { readonly ok: true; readonly actor: string }
  | { readonly ok: false; readonly status: 401 | 503; readonly message: string }

// Method and target are signed with the body, so a captured signature cannot be replayed against another
// route (a signed GET of one tenant turned into a DELETE of another).
const content = (method: string, target: string, body: Uint8Array) =>
  Buffer.concat([Buffer.from(`${method.toUpperCase()} ${target}\n`), body])

/**
 * Signs a configuration request as the config API expects it: returns the three headers to send.
 *
 * @example
 * ```ts
 * const body = JSON.stringify({ tenant: 'acme', name: 'Acme School' })
 * const headers = signConfigRequest({ secret, method: 'POST', target: '/config/tenants', body })
 * await fetch(`${base}/config/tenants`, { method: 'POST', body, headers })
 * ```
 */
export function signConfigRequest(input: {
  readonly secret: string
  readonly method: string
  /** Path and query, exactly as sent (e.g. `/config/tenants?limit=5`). */
  readonly target: string
  readonly body?: string | Uint8Array
  readonly now?: Date
  readonly nonce?: string
}): Record<string, string> {
  const timestamp = String(Math.floor((input.now ?? new Date()).getTime() / 1000))
  const nonce = input.nonce ?? randomUUID()
  const body = typeof input.body === 'string' ? Buffer.from(input.body) : (input.body ?? new Uint8Array(0))
  const signature = signHmac(input.secret, content(input.method, input.target, body), { timestamp, nonce })
  return {
    [CONFIG_HEADERS.signature]: `sha256=${signature}`,
    [CONFIG_HEADERS.timestamp]: timestamp,
    [CONFIG_HEADERS.nonce]: nonce,
  }
}

/**
 * Authenticates one configuration request: an admin bearer token, or an HMAC signature with a fresh
 * timestamp and an unused nonce. Tampered, stale and replayed requests are refused (401).
 */
export async function authenticateConfigRequest(
  options: ConfigAuthOptions,
  request: Request,
  url: URL,
  body: Uint8Array,
  now: Date,
): Promise<ConfigAuthResult> {
  const refuse = (message: string): ConfigAuthResult => ({ ok: false, status: 401, message })
  const authorization = request.headers.get('authorization')
  if (authorization !== null) {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1]
    if (token && (options.adminTokens?.length ?? 0) > 0 && matchesAny(token, options.adminTokens ?? [])) {
      return { ok: true, actor: options.adminActor ?? 'admin' }
    }
    return refuse('wrong or malformed bearer token')
  }
  const signature = request.headers.get(CONFIG_HEADERS.signature)
  const secrets = options.signingSecrets ?? []
  if (signature === null || secrets.length === 0)
    return refuse('missing credentials (bearer token or signature)')
  const timestamp = request.headers.get(CONFIG_HEADERS.timestamp) ?? ''
  const nonce = request.headers.get(CONFIG_HEADERS.nonce) ?? ''
  if (!/^\d{1,12}$/.test(timestamp)) return refuse(`${CONFIG_HEADERS.timestamp} must be unix seconds`)
  if (!/^[\w.:-]{8,200}$/.test(nonce))
    return refuse(`${CONFIG_HEADERS.nonce} must be 8-200 characters [A-Za-z0-9_.:-]`)
  const tolerance = options.toleranceSeconds ?? 300
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > tolerance) {
    return refuse(`timestamp outside the ${tolerance} s tolerance window`)
  }
  const target = `${url.pathname}${url.search}`
  // Verified before the nonce is recorded: an unsigned request must not be able to burn a nonce.
  if (!verifyHmac(signature, secrets, content(request.method, target, body), { timestamp, nonce })) {
    return refuse('signature does not match the request')
  }
  if (!options.nonceStore) return refuse('signed requests need a nonce store; none is configured')
  const windowMs = 2 * tolerance * 1000
  const claim = await options.nonceStore.claimIdempotencyKey(options.nonceTenant ?? 'edusync-config', {
    key: `config-nonce:${nonce}`,
    requestFingerprint: 'nonce',
    leaseMs: windowMs,
    ttlMs: windowMs,
    now,
  })
  if (claim.isErr()) return { ok: false, status: 503, message: 'could not record the nonce; retry later' }
  if (claim.value.status !== 'claimed') return refuse('nonce already used (replayed request)')
  return { ok: true, actor: 'hmac' }
}
