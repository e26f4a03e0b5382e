import { createHmac } from 'node:crypto'
import { safeEqual } from './constant-time.ts'

/** Encoding of a signature header value. */
export type SignatureEncoding = 'hex' | 'base64'

/**
 * The bytes an HMAC signature covers. Without a timestamp: the raw body. With one (and optionally a
 * nonce): `"<timestamp>.<nonce>." + body` or `"<timestamp>." + body`, so neither can be changed without
 * breaking the signature (an unsigned nonce could simply be swapped by a replaying attacker).
 */
export function signedContent(body: Uint8Array, parts: { timestamp?: string; nonce?: string } = {}): Buffer {
  const prefix =
    parts.timestamp === undefined
      ? ''
      : parts.nonce === undefined
        ? `${parts.timestamp}.`
        : `${parts.timestamp}.${parts.nonce}.`
  return prefix === '' ? Buffer.from(body) : Buffer.concat([Buffer.from(prefix), body])
}

/**
 * HMAC-SHA256 of the exact raw body (plus timestamp and nonce, see {@link signedContent}).
 *
 * @example
 * ```ts
 * const signature = `sha256=${signHmac(secret, body)}` // what a sender puts in its signature header
 * ```
 */
export function signHmac(
  secret: string,
  body: Uint8Array,
  options: { timestamp?: string; nonce?: string; encoding?: SignatureEncoding } = {},
): string {
  return createHmac('sha256', secret)
    .update(signedContent(body, options))
    .digest(options.encoding ?? 'hex')
}

/**
 * Whether `presented` (a header value: hex or base64, with or without a `sha256=` prefix) is a valid
 * HMAC-SHA256 of the content under any of `secrets` (several during a rotation). Constant time.
 */
export function verifyHmac(
  presented: string,
  secrets: readonly string[],
  body: Uint8Array,
  parts: { timestamp?: string; nonce?: string } = {},
): boolean {
  const value = presented.trim().replace(/^sha256=/i, '')
  const decoded = decodeSignature(value)
  if (decoded === undefined) return false
  const content = signedContent(body, parts)
  let matched = false
  // No early exit: every candidate secret is checked so timing does not reveal which matched.
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(content).digest()
    if (safeEqual(decoded, expected)) matched = true
  }
  return matched
}

const HEX = /^[0-9a-fA-F]{64}$/
const BASE64 = /^[A-Za-z0-9+/_-]{43}=?$/

// A SHA-256 MAC is 32 bytes: 64 hex characters or 43-44 base64(url) characters. Anything else is refused
// before decoding so a malformed header never matches by accident.
function decodeSignature(value: string): Buffer | undefined {
  if (HEX.test(value)) return Buffer.from(value, 'hex')
  if (BASE64.test(value)) {
    const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
    return bytes.byteLength === 32 ? bytes : undefined
  }
  return undefined
}
