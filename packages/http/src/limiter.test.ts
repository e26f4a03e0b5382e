import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createLimiter } from './limiter.ts'

const tick = () => new Promise<void>((resolve) => setImmediate(resolve))

describe('createLimiter', () => {
  it('never runs more than its limit at once, and runs every task', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.record({ ticks: fc.integer({ min: 1, max: 3 }), fails: fc.boolean() }), {
          maxLength: 30,
        }),
        async (limit, tasks) => {
          const limiter = createLimiter(limit)
          let active = 0
          let peak = 0
          const settled = await Promise.allSettled(
            tasks.map((task, i) =>
              limiter.run(async () => {
                active++
                peak = Math.max(peak, active)
                for (let t = 0; t < task.ticks; t++) await tick()
                active--
                if (task.fails) throw new Error(`task ${i} failed`)
                return i
              }),
            ),
          )
          expect(peak).toBeLessThanOrEqual(limit)
          expect(peak).toBe(Math.min(limit, tasks.length))
          settled.forEach((outcome, i) => {
            expect(outcome.status).toBe(tasks[i]?.fails ? 'rejected' : 'fulfilled')
          })
        },
      ),
    )
  })

  it('starts waiting tasks in the order they arrived', async () => {
    const limiter = createLimiter(1)
    const started: number[] = []
    await Promise.all(
      [0, 1, 2, 3].map((i) =>
        limiter.run(async () => {
          started.push(i)
          await tick()
        }),
      ),
    )
    expect(started).toEqual([0, 1, 2, 3])
  })

  it('frees the slot of a task that throws', async () => {
    const limiter = createLimiter(1)
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    await expect(limiter.run(async () => 'next')).resolves.toBe('next')
  })

  it.each([0, -1, 1.5, Number.NaN])('refuses a limit of %s', (limit) => {
    expect(() => createLimiter(limit)).toThrow(/limit must be a whole number of at least 1, received/)
  })
})
