import { err, ok } from 'neverthrow'
import { describe, expect, it } from 'vitest'
import { ZohoError } from '../errors.ts'
import { retryAfterMs, withRetry } from './retry.ts'
import type { RawResponse } from './transport.ts'

const policy = { limit: 3, baseDelayMs: 100, maxDelayMs: 5_000 }
const response = (status: number, headers: Record<string, string> = {}): RawResponse => ({
  status,
  headers: new Headers(headers),
  body: '',
})

async function delays(responses: RawResponse[], idempotent = true) {
  const slept: number[] = []
  let n = 0
  const result = await withRetry(
    async () => ok(responses[Math.min(n++, responses.length - 1)] as RawResponse),
    policy,
    idempotent,
    async (ms) => {
      slept.push(ms)
    },
  )
  return { slept, status: result._unsafeUnwrap().status, attempts: n }
}

describe('withRetry', () => {
  // Issue 8 (also): the retry ignored Retry-After when Zoho sent it.
  it.each([429, 503])('waits the Retry-After seconds of a %i, then succeeds', async (status) => {
    const run = await delays([response(status, { 'retry-after': '2' }), response(200)])
    expect(run).toEqual({ slept: [2_000], status: 200, attempts: 2 })
  })

  it('reads Retry-After as an HTTP date', async () => {
    const at = new Date(Date.now() + 3_000).toUTCString()
    const run = await delays([response(429, { 'retry-after': at }), response(200)])
    expect(run.slept).toHaveLength(1)
    // An HTTP date has whole seconds: the wait is what is left of the 3 s, never more.
    expect(run.slept[0]).toBeGreaterThan(1_000)
    expect(run.slept[0]).toBeLessThanOrEqual(3_000)
  })

  it('caps Retry-After at maxDelayMs', async () => {
    const run = await delays([
      response(429, { 'retry-after': '3600' }),
      response(429, { 'retry-after': '9' }),
    ])
    expect(run.slept).toEqual([5_000, 5_000, 5_000])
    expect(run.status).toBe(429)
    expect(run.attempts).toBe(4)
  })

  it('backs off exponentially with jitter when there is no usable Retry-After', async () => {
    const run = await delays([
      response(429),
      response(429, { 'retry-after': 'soon' }),
      response(503, { 'retry-after': '-5' }),
      response(200),
    ])
    const [first = 0, second = 0, third = 0] = run.slept
    expect(first).toBeGreaterThanOrEqual(50)
    expect(first).toBeLessThanOrEqual(100)
    expect(second).toBeGreaterThanOrEqual(100)
    expect(second).toBeLessThanOrEqual(200)
    expect(third).toBeGreaterThanOrEqual(200)
    expect(third).toBeLessThanOrEqual(400)
  })

  it('never retries a non-idempotent call on 503, Retry-After or not', async () => {
    const run = await delays([response(503, { 'retry-after': '1' }), response(200)], false)
    expect(run).toEqual({ slept: [], status: 503, attempts: 1 })
  })

  it('does not retry errors of a non-idempotent call', async () => {
    let calls = 0
    const failed = new ZohoError('Timeout', 'no answer', { request: { method: 'POST', url: 'x' } })
    const result = await withRetry(
      async () => {
        calls++
        return err(failed)
      },
      policy,
      false,
      async () => {},
    )
    expect(result._unsafeUnwrapErr()).toBe(failed)
    expect(calls).toBe(1)
  })
})

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z')
  it.each([
    ['0', 0],
    ['1', 1_000],
    [' 120 ', 120_000],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['-1', undefined],
    ['1.5', undefined],
    ['later', undefined],
    [null, undefined],
  ])('reads %j as %j ms', (value, expected) => {
    expect(retryAfterMs(value, now)).toBe(expected)
  })
})
