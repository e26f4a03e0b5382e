import { previewValue } from '../limits/preview.ts'
import { isSafeText } from '../parse/text-safety.ts'
import type { StoredResponse } from '../store/store.ts'

/** Default cap of a reply remembered for idempotent replays: 256 KiB of JSON. */
export const DEFAULT_MAX_STORED_REPLY_BYTES = 256 * 1024

/**
 * The form of a reply that is remembered for replays: the reply itself when its JSON fits `maxBytes`,
 * else a bounded preview of it (top-level fields kept, long lists cut) marked `"replayTruncated"`, and if
 * even that does not fit, only the marker. Text a database cannot hold (NUL, unpaired surrogates) is
 * replaced by U+FFFD. So what a sender posts never decides how much the Store must write: a reply
 * echoing a hostile body once crashed the embedded database for every tenant.
 *
 * The sender of the original request always gets the full reply; a replay of a cut one says so.
 */
export function encodeStoredReply(
  reply: StoredResponse,
  maxBytes: number = DEFAULT_MAX_STORED_REPLY_BYTES,
): StoredResponse {
  const full = storable(reply.body)
  if (full !== undefined && byteLength(full.json) <= maxBytes) return { ...reply, body: full.value }
  const marker = {
    replayTruncated: `the original reply exceeded ${maxBytes} bytes (or could not be encoded); this replay is a preview of it`,
  }
  const preview = storable(previewValue(reply.body, { maxDepth: 3, maxItems: 50, maxStringLength: 512 }))
  if (preview !== undefined && isRecord(preview.value)) {
    const body = { ...preview.value, ...marker }
    if (byteLength(JSON.stringify(body)) <= maxBytes) return { ...reply, body }
  }
  return { ...reply, body: marker }
}

// The value as it will be stored (JSON round trip, storable text) and its JSON; undefined if unencodable.
function storable(value: unknown): { value: unknown; json: string } | undefined {
  try {
    const json = JSON.stringify(value, (_key, inner: unknown) =>
      typeof inner === 'string' ? cleanText(inner) : inner,
    )
    if (json === undefined) return { value: null, json: 'null' }
    return { value: JSON.parse(json), json }
  } catch {
    return undefined
  }
}

// NUL cannot be stored in PostgreSQL text or jsonb; an unpaired surrogate is not valid Unicode.
// Both become U+FFFD, as String.prototype.toWellFormed does for surrogates (ES2024, beyond our lib target).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching NUL is the point
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
function cleanText(text: string): string {
  return isSafeText(text) ? text : text.replace(UNSAFE, '\uFFFD')
}

const byteLength = (json: string) => Buffer.byteLength(json, 'utf8')

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
