import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { BtecLetter } from './btec-grade.ts'
import { btecLetter, gradeCompositeKey, normaliseGrade } from './btec-grade.ts'
import { learningOutcomeRows, loScore, loTitle } from './learning-outcomes.ts'

describe('btecLetter', () => {
  const table: [number | null, number | null, string | null, BtecLetter][] = [
    // score, attempt, feedback, letter
    [0, 1, null, 'F'],
    [1, 1, null, 'R'],
    [1.99, 1, null, 'R'],
    [2, 1, null, 'P'],
    [2.99, 1, null, 'P'],
    [3, 1, null, 'M'],
    [3.99, 1, null, 'M'],
    [4, 1, null, 'D'],
    [null, 1, null, 'R'],
    [-1, 1, null, 'R'],
    [4, 1, 'Invalid submission 01122, plagiarised', 'F'],
    [3, 1, '<p>code <b>01122</b></p>', 'F'],
    [1.5, 2, null, 'RR'],
    [null, 2, null, 'RR'],
    [0, 2, null, 'F'],
    [2, 2, null, 'P'],
    [1.99, null, null, 'R'],
  ]
  it.each(table)('score %s, attempt %s, feedback %s -> %s', (score, attempt, feedback, letter) => {
    expect(btecLetter({ score, attempt, feedback })).toBe(letter)
  })
})

describe('normaliseGrade', () => {
  it.each([
    [3, 0, 4, 75],
    [85, 0, 100, 85],
    [150, 0, 100, 100],
    [-5, 0, 100, 0],
    [2, 1, 3, 50],
    [1, 0, 3, 33.33],
    [5, 5, 5, 0],
    [5, 10, 0, 0],
    [null, 0, 100, null],
  ] as const)('(%s - %s) / (%s - min) * 100 = %s', (final, min, max, expected) => {
    expect(normaliseGrade(final, min, max)).toBe(expected)
  })
})

describe('gradeCompositeKey', () => {
  it('keeps two assignments of one course apart', () => {
    const a = gradeCompositeKey(5, 12, 77)
    const b = gradeCompositeKey(5, 12, 78)
    expect(a).toBe('5_12_77')
    expect(a).not.toBe(b)
  })
})

describe('learningOutcomeRows', () => {
  it('maps plugin outcomes to subform rows with a title of at most 100 characters', () => {
    const long = `Explain ${'the network topology '.repeat(10)}`
    const rows = learningOutcomeRows([
      { code: 'P1', description: long, score: '1', feedback: '<p>Good</p>' },
      { code: 'M1', description: 'Analyse', score: '', feedback: '' },
    ])
    expect(rows[0]?.title?.length).toBe(100)
    expect(rows[0]?.definition).toBe(long.trim())
    expect(rows[0]?.score).toBe(1)
    expect(rows[0]?.feedback).toBe('Good')
    expect(rows[1]).toEqual({
      code: 'M1',
      title: 'Analyse',
      definition: 'Analyse',
      score: null,
      feedback: null,
    })
  })

  // The already-clean fast path must give exactly what the full cleaning gives, whatever the text.
  it('cleans any description as tags -> spaces, runs of whitespace -> one space, trimmed', () => {
    const piece = fc.constantFrom('a', 'Zé', ' ', '  ', '\t', '\n', '\u00a0', '<b>', '</p>', '<', '>', 'x y')
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }).map((parts) => parts.join('')),
        (text) => {
          const full = text
            .replace(/<[^>]*>/g, ' ')
            .replace(/\s+/g, ' ')
            .trim()
          const [row] = learningOutcomeRows([{ code: 'P1', description: text, feedback: text }])
          expect(row?.definition).toBe(full === '' ? null : full)
          expect(row?.feedback).toBe(full === '' ? null : full)
          expect(row?.title).toBe(loTitle(text))
        },
      ),
    )
  })

  it('reads scores strictly', () => {
    expect(loScore('2.5')).toBe(2.5)
    expect(loScore('x')).toBeNull()
    expect(loScore(3)).toBe(3)
    expect(loTitle(null)).toBeNull()
  })
})
