import * as fc from 'fast-check'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { databaseUrl } from '../../test/fixtures.ts'
import { stringArrayLiteral, withArrayLiterals } from './array-param.ts'
import { pgExecutor } from './pg-executor.ts'

describe('stringArrayLiteral', () => {
  it('writes plain string arrays as literals and leaves the rest to node-postgres', () => {
    expect(stringArrayLiteral(['a', 'b c', '', 'NULL', '{x,y}', 'é🎓'])).toBe(
      '{"a","b c","","NULL","{x,y}","é🎓"}',
    )
    for (const value of [
      [],
      ['say "hi"'],
      ['C:\\dir'],
      ['tab\t'],
      ['\ud800'],
      [1, 2],
      ['a', null],
      'a',
      null,
    ]) {
      expect(stringArrayLiteral(value)).toBeUndefined()
    }
  })

  it('replaces only the arrays it can write, without touching the caller’s values', () => {
    const values = ['t', ['x', 'y'], ['"'], 3]
    const out = withArrayLiterals(values)
    expect(out).toEqual(['t', '{"x","y"}', ['"'], 3])
    expect(values[1]).toEqual(['x', 'y'])
    const plain = ['t', 3]
    expect(withArrayLiterals(plain)).toBe(plain)
  })
})

// The literal must mean exactly what node-postgres' own serialisation means: any array of strings sent
// through the executor comes back from the server as it was (NUL excluded: PostgreSQL text cannot hold it).
describe('string arrays through the pg executor (real server)', () => {
  const pool = new pg.Pool({ connectionString: databaseUrl(), max: 2 })
  const executor = pgExecutor(pool, { owned: true })
  afterAll(() => executor.close())

  it('round-trips any array of strings as text[]', async () => {
    const element = fc.oneof(
      fc.constantFrom('"', '\\', ',', '{', '}', 'NULL', ' ', '', '\n', '🎓', '\u2028'),
      fc.string({ unit: 'binary', maxLength: 8 }).map((s) => s.replaceAll('\u0000', '')),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(element, { minLength: 1, maxLength: 12 }), async (list) => {
        const [row] = await executor.query<{ a: string[]; n: number }>(
          'SELECT $1::text[] AS a, cardinality($1::text[]) AS n',
          [list],
        )
        expect(row?.a).toEqual(list)
        expect(row?.n).toBe(list.length)
      }),
      { numRuns: 300 },
    )
  })
})
