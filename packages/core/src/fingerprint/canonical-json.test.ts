import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalJson } from '../index.ts'

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code unit at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, B: true })).toBe(
      '{"B":true,"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    )
  })

  it('orders index-like keys as strings, not numerically', () => {
    expect(canonicalJson({ 9: 'a', 10: 'b', x: 'c' })).toBe('{"10":"b","9":"a","x":"c"}')
  })

  it('omits undefined members, writes undefined array items as null', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}')
  })

  it('keeps 0, null, "" and false distinct and escapes strings like JSON', () => {
    expect(canonicalJson([0, null, '', false, 'a"b\n', 1e21, -0])).toBe(
      '[0,null,"",false,"a\\"b\\n",1e+21,0]',
    )
  })

  it('round-trips through JSON.parse to an equal value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)))
      }),
    )
  })

  it('does not depend on key insertion order (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (dict) => {
        const reversed = Object.fromEntries(Object.entries(dict).reverse())
        expect(canonicalJson(reversed)).toBe(canonicalJson(dict))
      }),
    )
  })
})
