import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { copyField, copyJsonField } from './copy-text.ts'

describe('COPY text escaping', () => {
  it.each([
    ['plain', 'plain'],
    ['a\tb', 'a\\tb'],
    ['a\nb\rc', 'a\\nb\\rc'],
    ['back\\slash', 'back\\\\slash'],
  ])('copyField(%j) is %j', (value, escaped) => {
    expect(copyField(value)).toBe(escaped)
  })

  it('escapes any JSON document exactly as copyField does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, text) => {
        for (const json of [JSON.stringify(value), JSON.stringify({ text, value })]) {
          expect(copyJsonField(json)).toBe(copyField(json))
        }
      }),
      { numRuns: 500 },
    )
  })
})
