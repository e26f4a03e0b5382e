import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { flattenArgs } from './flatten.ts'

describe('flattenArgs', () => {
  it('writes nested lists and structures as PHP-style keys', () => {
    expect(
      flattenArgs({
        users: [{ username: 'a', customfields: [{ type: 'x', value: '1' }] }],
        userids: [5, 6],
      }),
    ).toEqual([
      ['users[0][username]', 'a'],
      ['users[0][customfields][0][type]', 'x'],
      ['users[0][customfields][0][value]', '1'],
      ['userids[0]', '5'],
      ['userids[1]', '6'],
    ])
  })

  it('sends booleans as 1/0 and leaves out null, undefined and empty lists', () => {
    expect(flattenArgs({ a: true, b: false, c: null, d: undefined, e: [], f: {}, g: 0 })).toEqual([
      ['a', '1'],
      ['b', '0'],
      ['g', '0'],
    ])
  })

  it('throws on a non-finite number (a programmer error)', () => {
    expect(() => flattenArgs({ courseid: Number.NaN })).toThrow(/courseid/)
  })

  it('emits every scalar leaf exactly once, under its path', () => {
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean())
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), tie('node'), { maxKeys: 3 }),
      ),
    })).node
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), tree, { maxKeys: 4 }), (args) => {
        const leaves: [string, string][] = []
        const walk = (key: string, v: unknown) => {
          if (typeof v === 'boolean') leaves.push([key, v ? '1' : '0'])
          else if (typeof v === 'number' || typeof v === 'string') leaves.push([key, String(v)])
          else if (Array.isArray(v)) v.forEach((x, i) => walk(`${key}[${i}]`, x))
          else for (const [k, x] of Object.entries(v as object)) walk(`${key}[${k}]`, x)
        }
        for (const [k, v] of Object.entries(args)) walk(k, v)
        expect(flattenArgs(args)).toEqual(leaves)
      }),
    )
  })
})
