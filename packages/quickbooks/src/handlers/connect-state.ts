import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { TenantId } from '@edusync/core'

/** Options of {@link createConnectState}. */
export interface ConnectStateOptions {
  /**
   * Key signing the `state`. Give every replica the same one (at least 32 characters) when the callback
   * may land on another process than the connect. @default a random key of this process
   */
  readonly secret?: string | undefined
  /** How long a person has between the connect and the callback. @default 600000 (ten minutes) */
  readonly ttlMs?: number | undefined
}

/** The connect flow's OAuth `state`: issued by the connect, checked by the callback (CSRF protection). */
export interface ConnectState {
  /** A fresh signed `state` naming the tenant, valid for `ttlMs`. */
  issue(tenant: TenantId, now?: number): string
  /** The tenant a `state` was issued for, or `undefined` when it is forged, altered or expired. */
  read(state: string, now?: number): TenantId | undefined
}

/**
 * Signed `state` values: `<payload>.<HMAC-SHA256>`, the payload naming the tenant, an expiry and a nonce.
 * A callback is accepted only for a connect this key signed, for that tenant, before it expired; nothing
 * is stored between the two requests, so any replica sharing the key accepts it.
 */
export function createConnectState(options: ConnectStateOptions = {}): ConnectState {
  const key = options.secret ? Buffer.from(options.secret, 'utf8') : randomBytes(32)
  const ttlMs = options.ttlMs ?? 600_000
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url')
  return {
    issue(tenant, now = Date.now()) {
      const payload = Buffer.from(
        JSON.stringify({ t: tenant, e: now + ttlMs, n: randomBytes(8).toString('hex') }),
      ).toString('base64url')
      return `${payload}.${sign(payload)}`
    },
    read(state, now = Date.now()) {
      const [payload, mac, extra] = state.split('.')
      if (!payload || !mac || extra !== undefined) return undefined
      const expected = Buffer.from(sign(payload))
      const given = Buffer.from(mac)
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined
      try {
        const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
          t?: unknown
          e?: unknown
        }
        return typeof data.t === 'string' && typeof data.e === 'number' && data.e > now ? data.t : undefined
      } catch {
        return undefined
      }
    },
  }
}
