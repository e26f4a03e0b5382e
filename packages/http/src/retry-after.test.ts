import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { retryAfterMs } from './retry-after.ts'

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
    ['0x10', undefined],
    ['', undefined],
    ['later', undefined],
    ['Thu, 99 Foo 2026 nonsense', undefined],
    [null, undefined],
    [undefined, undefined],
  ])('reads %j as %j ms', (value, expected) => {
    expect(retryAfterMs(value, now)).toBe(expected)
  })

  it('reads any whole number of seconds as that many thousand milliseconds', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), (seconds) => {
        expect(retryAfterMs(String(seconds), now)).toBe(seconds * 1000)
      }),
    )
  })

  it('reads an HTTP date as the time left until it, never negative', () => {
    fc.assert(
      fc.property(fc.integer({ min: -86_400, max: 86_400 }), (offsetSeconds) => {
        const at = new Date(now + offsetSeconds * 1000).toUTCString()
        expect(retryAfterMs(at, now)).toBe(Math.max(0, offsetSeconds * 1000))
      }),
    )
  })
})
