import { describe, expect, it } from 'vitest'
import { matchesAny, safeEqual } from './constant-time.ts'

describe('safeEqual', () => {
  it('is true only for identical values, whatever their lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true)
    expect(safeEqual('abc', 'abd')).toBe(false)
    expect(safeEqual('abc', 'abcd')).toBe(false)
    expect(safeEqual('', 'x')).toBe(false)
    expect(safeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true)
  })
})

describe('matchesAny', () => {
  it('matches any candidate and nothing when the list is empty', () => {
    expect(matchesAny('b', ['a', 'b'])).toBe(true)
    expect(matchesAny('c', ['a', 'b'])).toBe(false)
    expect(matchesAny('a', [])).toBe(false)
  })
})
