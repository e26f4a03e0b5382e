import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { equalJitter } from './backoff.ts'

describe('equalJitter', () => {
  it('waits between half the ceiling and the ceiling, the ceiling doubling up to maxDelayMs', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 40 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 600_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, baseDelayMs, maxDelayMs, r) => {
          const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** retry)
          const wait = equalJitter(retry, { baseDelayMs, maxDelayMs }, () => r)
          expect(wait).toBeGreaterThanOrEqual(ceiling / 2)
          expect(wait).toBeLessThanOrEqual(ceiling)
        },
      ),
    )
  })

  it('spans the whole upper half: the random part is not ignored', () => {
    const policy = { baseDelayMs: 1_000, maxDelayMs: 60_000 }
    expect(equalJitter(0, policy, () => 0)).toBe(500)
    expect(equalJitter(0, policy, () => 0.5)).toBe(750)
    expect(equalJitter(2, policy, () => 0.999)).toBeCloseTo(3_998, 0)
    expect(equalJitter(10, policy, () => 0)).toBe(30_000)
  })
})
