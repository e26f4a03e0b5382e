import { describe, expect, it } from 'vitest'
import { encodeStoredReply } from './stored-reply.ts'

describe('encodeStoredReply', () => {
  it('keeps a reply that fits as it is', () => {
    const reply = { status: 200, body: { counts: { total: 1 }, outcomes: [{ id: 'a' }] } }
    expect(encodeStoredReply(reply, 1024)).toEqual(reply)
  })

  it('remembers an oversized reply as a preview marked replayTruncated, within the cap', () => {
    const outcomes = Array.from({ length: 5_000 }, (_, i) => ({ id: `r${i}`, status: 'INVALID' }))
    const stored = encodeStoredReply({ status: 400, body: { counts: { total: 5_000 }, outcomes } }, 16 * 1024)
    const body = stored.body as Record<string, unknown>
    expect(stored.status).toBe(400)
    expect(body.counts).toEqual({ total: 5_000 })
    expect(body.replayTruncated).toMatch(/exceeded 16384 bytes/)
    expect(JSON.stringify(body).length).toBeLessThanOrEqual(16 * 1024)
  })

  it('replaces text a database cannot store (NUL, unpaired surrogates) and survives BigInt', () => {
    const stored = encodeStoredReply({ status: 200, body: { note: 'a\u0000b\uD800c' } })
    expect(stored.body).toEqual({ note: 'a\uFFFDb\uFFFDc' })
    const big = encodeStoredReply({ status: 200, body: { n: 1n } })
    expect(big.body).toEqual({ n: '1n', replayTruncated: expect.any(String) })
  })
})
