/** The marker field of a sealed secret (see `secret-box.ts`): what {@link redactSecrets} looks for. */
export const SEALED_MARKER = 'aes-256-gcm'

/** Whether a value is a sealed secret envelope. */
export function isSealed(value: unknown): value is { sealed: string; kid: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { sealed?: unknown }).sealed === SEALED_MARKER &&
    typeof (value as { kid?: unknown }).kid === 'string'
  )
}

/**
 * A deep copy of `value` with every sealed secret replaced by `{ redacted: true, kid }`: what audit
 * entries and API responses hold instead of ciphertext (which, once its key leaks, is plaintext).
 */
export function redactSecrets(value: unknown): unknown {
  if (isSealed(value)) return { redacted: true, kid: value.kid }
  if (Array.isArray(value)) return value.map(redactSecrets)
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v)]))
  }
  return value
}

/** Whether any sealed secret is inside `value`. */
export function containsSealed(value: unknown): boolean {
  if (isSealed(value)) return true
  if (Array.isArray(value)) return value.some(containsSealed)
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsSealed)
  return false
}
