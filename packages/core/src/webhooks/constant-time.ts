import { hash, timingSafeEqual } from 'node:crypto'

/**
 * Compares two secrets in constant time. Both sides are hashed first so that inputs of different lengths
 * take the same time too (`timingSafeEqual` throws on unequal lengths, which would leak the length).
 */
export function safeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const da = hash('sha256', a, 'buffer')
  const db = hash('sha256', b, 'buffer')
  // Equal digests of unequal inputs would need a SHA-256 collision, so the length check is only a guard.
  return timingSafeEqual(da, db) && byteLength(a) === byteLength(b)
}

function byteLength(value: string | Uint8Array): number {
  return typeof value === 'string' ? Buffer.byteLength(value) : value.byteLength
}

/** Whether any of the candidate secrets equals the presented value (constant time per candidate). */
export function matchesAny(presented: string, secrets: readonly string[]): boolean {
  let matched = false
  // Compare against every secret (no early exit) so timing does not reveal which one matched.
  for (const secret of secrets) if (safeEqual(presented, secret)) matched = true
  return matched
}
