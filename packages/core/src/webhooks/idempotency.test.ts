import { describe, expect, it } from 'vitest'
import { deriveIdempotencyKey } from './idempotency.ts'

const body = (s: string) => new TextEncoder().encode(s)

describe('deriveIdempotencyKey', () => {
  it('prefers the event id, then the header, then the body fingerprint', () => {
    const b = body('{}')
    expect(deriveIdempotencyKey({ sender: 'm', body: b, eventId: 'e1', headerKey: 'h1' })).toMatchObject({
      key: 'm:event:e1',
      source: 'event',
      remember: true,
    })
    expect(deriveIdempotencyKey({ sender: 'm', body: b, headerKey: 'h1' })).toMatchObject({
      key: 'm:key:h1',
      source: 'header',
      remember: true,
    })
    expect(deriveIdempotencyKey({ sender: 'm', body: b }).source).toBe('fingerprint')
  })

  it('gives identical bodies of different senders different keys', () => {
    expect(deriveIdempotencyKey({ sender: 'a', body: body('x') }).key).not.toBe(
      deriveIdempotencyKey({ sender: 'b', body: body('x') }).key,
    )
  })

  // A -> B -> A: the second A must not be taken for a duplicate of the first.
  it('remembers a fingerprint key only with a version, and versions separate A@t1 from A@t3', () => {
    const a = body('{"id":"1","name":"A"}')
    expect(deriveIdempotencyKey({ sender: 'z', body: a }).remember).toBe(false)
    const first = deriveIdempotencyKey({ sender: 'z', body: a, version: '2026-01-01T10:00:00+03:00' })
    const third = deriveIdempotencyKey({ sender: 'z', body: a, version: '2026-01-01T10:05:00+03:00' })
    expect(first.remember).toBe(true)
    expect(first.key).not.toBe(third.key)
  })

  it('fingerprints the raw body so a changed body under the same event id can be detected', () => {
    const k1 = deriveIdempotencyKey({ sender: 'm', body: body('{"a":1}'), eventId: 'e' })
    const k2 = deriveIdempotencyKey({ sender: 'm', body: body('{"a":2}'), eventId: 'e' })
    expect(k1.key).toBe(k2.key)
    expect(k1.requestFingerprint).not.toBe(k2.requestFingerprint)
  })
})
