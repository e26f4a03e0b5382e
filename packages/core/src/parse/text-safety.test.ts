import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sample } from '../__fixtures__/samples.ts'
import {
  entities,
  escapeUnsafeText,
  findUnsafeText,
  isSafeText,
  ParseError,
  parseRecord,
  withSafeText,
} from '../index.ts'

// ES2024's String.prototype.isWellFormed (Node 20+); the project's lib is ES2023.
const isWellFormed = (text: string) => (text as unknown as { isWellFormed(): boolean }).isWellFormed()

describe('text safety', () => {
  it.each([
    ['a\u0000b', 'nul_character', 'a\\u0000b'],
    ['\uD800', 'lone_surrogate', '\\ud800'],
    ['x\uDC00y', 'lone_surrogate', 'x\\udc00y'],
    ['\uDE00\uD83D', 'lone_surrogate', '\\ude00\\ud83d'],
  ])('finds %j (%s) and escapes it as %j', (text, rule, escaped) => {
    expect(isSafeText(text)).toBe(false)
    expect(findUnsafeText({ a: [{ b: text }] })).toEqual([{ path: 'a.0.b', rule, text: escaped }])
    expect(escapeUnsafeText(text)).toBe(escaped)
  })

  it.each(['', 'plain', 'İzmir 日本語', '🎓 \uD83C\uDF93', '\\u0000 written out', '\t\n'])(
    'leaves the safe text %j alone',
    (text) => {
      expect(isSafeText(text)).toBe(true)
      expect(escapeUnsafeText(text)).toBe(text)
    },
  )

  it('reports object keys, and every unsafe string up to the limit', () => {
    const value = { 'k\u0000': 1, list: ['\uD800', 'ok', 'z\u0000'] }
    expect(findUnsafeText(value).map((u) => u.path)).toEqual(['k\\u0000', 'list.0', 'list.2'])
    expect(findUnsafeText(value, 1)).toHaveLength(1)
  })

  it('withSafeText returns the same value when nothing is unsafe, else an escaped copy', () => {
    const safe = { a: ['x', { b: 1 }] }
    expect(withSafeText(safe)).toBe(safe)
    const unsafe = { a: ['x\u0000', { b: '\uD800' }], n: 1 }
    expect(withSafeText(unsafe)).toEqual({ a: ['x\\u0000', { b: '\\ud800' }], n: 1 })
    expect(unsafe.a[0]).toBe('x\u0000')
  })

  it('escaped text is always safe, and safe text is never changed (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const escaped = escapeUnsafeText(text)
        expect(isSafeText(escaped)).toBe(true)
        expect(escaped === text).toBe(isSafeText(text))
        // The check agrees with the platform's own definitions of both problems.
        expect(isSafeText(text)).toBe(!text.includes('\u0000') && isWellFormed(text))
      }),
    )
    // A hundred binary strings take well under a second alone, but seconds on a loaded 2-core machine.
  }, 60_000)
})

// Issue 8.4: a NUL character in one record made the Postgres Store fail the whole batch.
describe('parseRecord: text no Store can hold', () => {
  it('is INVALID naming each field, with the rule and the received text escaped', () => {
    const error = parseRecord(entities.registration, {
      ...sample('registration', 'r-1'),
      intake: 'Sept\u00002026',
      paymentSchedule: [
        { number: 1, dueDate: '2026-01-15', amount: { minor: 1, currency: 'USD' }, status: 'due \uD83D' },
      ],
    })._unsafeUnwrapErr()
    expect(error).toBeInstanceOf(ParseError)
    expect(error.recordId).toBe('r-1')
    expect(error.issues).toEqual([
      {
        path: 'intake',
        rule: 'nul_character',
        message: expect.stringContaining('NUL character (U+0000)'),
        received: 'Sept\\u00002026',
      },
      {
        path: 'paymentSchedule.0.status',
        rule: 'lone_surrogate',
        message: expect.stringContaining('lone surrogate'),
        received: 'due \\ud83d',
      },
    ])
  })

  it('catches it in an id too, and never puts the raw character in the error', () => {
    const error = parseRecord(entities.teacher, { id: 't\u0000', name: 'Ada' })._unsafeUnwrapErr()
    expect(error.issues[0]).toMatchObject({ path: 'id', rule: 'nul_character', received: 't\\u0000' })
    expect(error.recordId).toBe('t\\u0000')
    expect(isSafeText(error.message)).toBe(true)
    expect(isSafeText(JSON.stringify(error.issues))).toBe(true)
  })

  it('makes every issue safe, whichever rule it broke', () => {
    const error = parseRecord(entities.student, {
      ...sample('student'),
      email: 'not\u0000mail',
    })._unsafeUnwrapErr()
    expect(error.issues).toEqual([expect.objectContaining({ path: 'email', received: 'not\\u0000mail' })])
  })

  it('accepts well-formed text of any script, emoji included', () => {
    const record = { ...sample('teacher'), name: 'Zeynep 🎓 Ñandú 日本' }
    expect(parseRecord(entities.teacher, record)._unsafeUnwrap().name).toBe(record.name)
  })
})
