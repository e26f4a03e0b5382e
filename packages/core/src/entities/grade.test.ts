import { describe, expect, it } from 'vitest'
import { seededEngine, stored, sync } from '../__fixtures__/engine.ts'
import { sample } from '../__fixtures__/samples.ts'
import { entities, learningOutcomeScore, parseRecord } from '../index.ts'

const withScore = (score: unknown, id = 'g-1') => ({
  ...sample('grade', id),
  learningOutcomes: [{ code: 'LO1', title: 'Plan a project', score, feedback: null }],
})

describe('grade: learning-outcome score', () => {
  // Issue 8.2: a score of 150, or -5, was stored.
  it.each([150, -5, 4.01, -0.5, 100])('rejects %d, naming the range and the value received', (score) => {
    const error = parseRecord(entities.grade, withScore(score))._unsafeUnwrapErr()
    expect(error.issues).toEqual([
      {
        path: 'learningOutcomes.0.score',
        rule: 'score_range',
        message: 'expected a learning-outcome score from 0 to 4 (the BTEC scale)',
        received: score,
      },
    ])
    expect(error.message).toContain(
      `learningOutcomes.0.score: expected a learning-outcome score from 0 to 4 (the BTEC scale) (received ${score})`,
    )
  })

  it.each([0, 1, 2, 2.5, 3, 4, null])('accepts %j', (score) => {
    expect(parseRecord(entities.grade, withScore(score))._unsafeUnwrap().learningOutcomes?.[0]?.score).toBe(
      score,
    )
  })

  it('exports the scale so adapters check it before mapping', () => {
    expect(learningOutcomeScore.safeParse(4).success).toBe(true)
    expect(learningOutcomeScore.safeParse(75).success).toBe(false)
  })

  it('is INVALID through the engine and is not stored, while the rest of the batch is', async () => {
    const { engine, store } = await seededEngine()
    const result = await sync(engine, 'grade', [withScore(150, 'g-bad'), withScore(3, 'g-good')])
    expect(result.outcomes.map((o) => o.status)).toEqual(['INVALID', 'NEW'])
    expect(await stored(store, 'grade', 'g-bad')).toBeUndefined()
    expect(await stored(store, 'grade', 'g-good')).toBeDefined()
  })
})
