import fc from 'fast-check'
import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import { describe, expect, it } from 'vitest'
import type { RetryPolicy } from './retry.ts'
import { withRetry } from './retry.ts'
import type { RawResponse } from './transport.ts'

/** An error shaped like every adapter's: a literal `reason`. */
interface FakeError {
  readonly reason: 'Timeout' | 'Transport' | 'Auth'
}

const policy: RetryPolicy = { limit: 3, baseDelayMs: 100, maxDelayMs: 5_000 }
const response = (status: number, headers: Record<string, string> = {}, body = ''): RawResponse => ({
  status,
  headers: new Headers(headers),
  body,
})

async function run(
  results: Array<Result<RawResponse, FakeError>>,
  options: { idempotent?: boolean; policy?: RetryPolicy; isThrottled?: (r: RawResponse) => boolean } = {},
) {
  const slept: number[] = []
  let n = 0
  const result = await withRetry(
    async () => results[Math.min(n++, results.length - 1)] as Result<RawResponse, FakeError>,
    options.policy ?? policy,
    {
      idempotent: options.idempotent ?? true,
      ...(options.isThrottled ? { isThrottled: options.isThrottled } : {}),
      sleep: async (ms) => {
        slept.push(ms)
      },
    },
  )
  return { slept, result, attempts: n }
}

async function delays(responses: RawResponse[], idempotent = true) {
  const { slept, result, attempts } = await run(
    responses.map((r) => ok(r)),
    { idempotent },
  )
  return { slept, status: result._unsafeUnwrap().status, attempts }
}

describe('withRetry', () => {
  // Moved from @edusync/zoho (issue 8: the retry ignored Retry-After when Zoho sent it).
  it.each([429, 503])('waits the Retry-After seconds of a %i, then succeeds', async (status) => {
    const result = await delays([response(status, { 'retry-after': '2' }), response(200)])
    expect(result).toEqual({ slept: [2_000], status: 200, attempts: 2 })
  })

  it('reads Retry-After as an HTTP date', async () => {
    const at = new Date(Date.now() + 3_000).toUTCString()
    const result = await delays([response(429, { 'retry-after': at }), response(200)])
    expect(result.slept).toHaveLength(1)
    // An HTTP date has whole seconds: the wait is what is left of the 3 s, never more.
    expect(result.slept[0]).toBeGreaterThan(1_000)
    expect(result.slept[0]).toBeLessThanOrEqual(3_000)
  })

  it('reads an HTTP-date Retry-After against the injected clock', async () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    const slept: number[] = []
    await withRetry(
      async () => ok(response(429, { 'retry-after': 'Thu, 01 Jan 2026 00:00:04 GMT' })),
      { ...policy, limit: 1 },
      { idempotent: false, sleep: async (ms) => void slept.push(ms), now: () => now },
    )
    expect(slept).toEqual([4_000])
  })

  it('caps Retry-After at maxDelayMs', async () => {
    const result = await delays([
      response(429, { 'retry-after': '3600' }),
      response(429, { 'retry-after': '9' }),
    ])
    expect(result.slept).toEqual([5_000, 5_000, 5_000])
    expect(result.status).toBe(429)
    expect(result.attempts).toBe(4)
  })

  it('caps Retry-After at maxRetryAfterMs when the policy has one', async () => {
    const { slept } = await run([ok(response(429, { 'retry-after': '3600' })), ok(response(200))], {
      policy: { ...policy, maxRetryAfterMs: 120_000 },
    })
    expect(slept).toEqual([120_000])
  })

  it('backs off exponentially with jitter when there is no usable Retry-After', async () => {
    const result = await delays([
      response(429),
      response(429, { 'retry-after': 'soon' }),
      response(503, { 'retry-after': '-5' }),
      response(200),
    ])
    const [first = 0, second = 0, third = 0] = result.slept
    expect(first).toBeGreaterThanOrEqual(50)
    expect(first).toBeLessThanOrEqual(100)
    expect(second).toBeGreaterThanOrEqual(100)
    expect(second).toBeLessThanOrEqual(200)
    expect(third).toBeGreaterThanOrEqual(200)
    expect(third).toBeLessThanOrEqual(400)
  })

  it('waits throttleWaitMs after a throttled response without Retry-After, backoff after a 5xx', async () => {
    const { slept } = await run([ok(response(429)), ok(response(500)), ok(response(200))], {
      policy: { ...policy, throttleWaitMs: 60_000 },
    })
    expect(slept[0]).toBe(60_000)
    expect(slept[1]).toBeGreaterThanOrEqual(100)
    expect(slept[1]).toBeLessThanOrEqual(200)
  })

  it('retries what isThrottled recognises, even for a call that is not idempotent', async () => {
    const throttleFault = response(403, {}, '{"Fault":{"Error":[{"code":"3001"}]}}')
    const { slept, result } = await run([ok(throttleFault), ok(response(200))], {
      idempotent: false,
      isThrottled: (r) => r.status === 429 || r.body.includes('"3001"'),
    })
    expect(slept).toHaveLength(1)
    expect(result._unsafeUnwrap().status).toBe(200)
  })

  it('never retries a non-idempotent call on 503, Retry-After or not', async () => {
    const result = await delays([response(503, { 'retry-after': '1' }), response(200)], false)
    expect(result).toEqual({ slept: [], status: 503, attempts: 1 })
  })

  it('does not retry a client error', async () => {
    const result = await delays([response(400), response(200)])
    expect(result).toEqual({ slept: [], status: 400, attempts: 1 })
  })

  it.each(['Timeout', 'Transport'] as const)('retries a %s error of an idempotent call', async (reason) => {
    const { result, attempts, slept } = await run([err({ reason }), ok(response(200))])
    expect(result._unsafeUnwrap().status).toBe(200)
    expect(attempts).toBe(2)
    expect(slept[0]).toBeGreaterThanOrEqual(50)
    expect(slept[0]).toBeLessThanOrEqual(100)
  })

  it('does not retry errors of a non-idempotent call', async () => {
    const failed: FakeError = { reason: 'Timeout' }
    const { result, attempts } = await run([err(failed), ok(response(200))], { idempotent: false })
    expect(result._unsafeUnwrapErr()).toBe(failed)
    expect(attempts).toBe(1)
  })

  it('does not retry an error whose reason is not a transport failure', async () => {
    const failed: FakeError = { reason: 'Auth' }
    const { result, attempts } = await run([err(failed), ok(response(200))])
    expect(result._unsafeUnwrapErr()).toBe(failed)
    expect(attempts).toBe(1)
  })

  it('makes limit + 1 attempts at most and never waits longer than its caps', async () => {
    const outcome = fc.oneof(
      fc.constantFrom(200, 204, 400, 404, 429, 500, 502, 503).map((s) => ok(response(s))),
      fc
        .tuple(fc.constantFrom(429, 503), fc.nat({ max: 100_000 }))
        .map(([s, seconds]) => ok(response(s, { 'retry-after': String(seconds) }))),
      fc.constantFrom<FakeError['reason']>('Timeout', 'Transport', 'Auth').map((reason) => err({ reason })),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.array(outcome, { minLength: 1, maxLength: 8 }),
        fc.nat({ max: 5 }),
        fc.boolean(),
        fc.option(fc.nat({ max: 90_000 }), { nil: undefined }),
        async (results, limit, idempotent, throttleWaitMs) => {
          const p: RetryPolicy = {
            ...policy,
            limit,
            ...(throttleWaitMs !== undefined ? { throttleWaitMs } : {}),
          }
          const { attempts, slept } = await run(results, { idempotent, policy: p })
          expect(attempts).toBeLessThanOrEqual(limit + 1)
          expect(slept).toHaveLength(attempts - 1)
          for (const ms of slept) {
            expect(ms).toBeGreaterThanOrEqual(0)
            expect(ms).toBeLessThanOrEqual(Math.max(p.maxDelayMs, throttleWaitMs ?? 0))
          }
        },
      ),
    )
  })
})
