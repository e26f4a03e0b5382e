/**
 * Reads a `Retry-After` header (RFC 9110 §10.2.3: delay-seconds, or an HTTP date) as milliseconds from
 * `now`. A date in the past is 0; anything else (negative, fractional, unparsable, absent) is `undefined`,
 * so the caller falls back to its own backoff rather than guessing what a malformed header meant.
 */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // Only an HTTP date (it starts with a weekday) counts: Date.parse alone reads "1.5" or "-1" as dates.
  if (!/^[A-Za-z]{3},/.test(text)) return undefined
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}
