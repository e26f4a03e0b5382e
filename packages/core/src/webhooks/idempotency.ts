import { hash } from 'node:crypto'

/** Where an idempotency key came from, strongest first. */
export type IdempotencyKeySource = 'event' | 'header' | 'fingerprint'

/** A derived idempotency key (see {@link deriveIdempotencyKey}). */
export interface IdempotencyKey {
  /** The Store key, namespaced by sender and source, e.g. `"moodle:event:8c0e…"`. */
  readonly key: string
  readonly source: IdempotencyKeySource
  /** SHA-256 of the raw body: the same key with another body is a 409. */
  readonly requestFingerprint: string
  /**
   * Whether the completed key is remembered (its response replayed to duplicates). `false` for an
   * unversioned fingerprint key: it only stops two identical deliveries from running at once.
   */
  readonly remember: boolean
}

/** Inputs of {@link deriveIdempotencyKey}. */
export interface IdempotencyKeyInput {
  /** Namespace of the sender, e.g. `"zoho"`, `"moodle"`. */
  readonly sender: string
  /** The exact raw body. */
  readonly body: Uint8Array
  /** The sender's event id, when it provides one (Moodle's `event_id`, a notification id). */
  readonly eventId?: string | undefined
  /** The `Idempotency-Key` header value, when present. */
  readonly headerKey?: string | undefined
  /**
   * A version of the content, e.g. the record's `Modified_Time`, used only for fingerprint keys.
   */
  readonly version?: string | undefined
}

/**
 * Derives the key a webhook delivery is de-duplicated by: the sender's event id, else the
 * `Idempotency-Key` header, else a fingerprint of the body plus sender.
 *
 * Why a fingerprint key is only remembered when it has a version: identical bodies are not always the same
 * change. A record edited A -> B -> A sends body A twice, and an id-only body (`{"zoho_id": …}`) is the
 * same for every edit; remembering such a key would swallow the second A and leave B stored. With a
 * version (the record's modified time) the third delivery has a different key and is applied. Without
 * one, the key is released after processing: a repeated identical delivery is processed again, which is
 * harmless (the engine reports it UNCHANGED and writes nothing) and can never drop a change.
 */
export function deriveIdempotencyKey(input: IdempotencyKeyInput): IdempotencyKey {
  const requestFingerprint = hash('sha256', input.body)
  const eventId = input.eventId?.trim()
  if (eventId) {
    return { key: `${input.sender}:event:${eventId}`, source: 'event', requestFingerprint, remember: true }
  }
  const headerKey = input.headerKey?.trim()
  if (headerKey) {
    return { key: `${input.sender}:key:${headerKey}`, source: 'header', requestFingerprint, remember: true }
  }
  const version = input.version?.trim()
  const digest = hash('sha256', `${version ?? ''}\u0000${requestFingerprint}`)
  return {
    key: `${input.sender}:body:${digest}`,
    source: 'fingerprint',
    requestFingerprint,
    remember: Boolean(version),
  }
}
