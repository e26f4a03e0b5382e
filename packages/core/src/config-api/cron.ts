/** Bounds of the five cron fields: minute, hour, day of month, month, day of week (0 or 7 = Sunday). */
const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const

/**
 * Checks a five-field cron expression (`*`, numbers, `a-b` ranges, `,` lists and `/n` steps), returning
 * what is wrong with it or `undefined` when it is valid. Names (`MON`, `JAN`) are not accepted: numbers
 * only, so every scheduler reading it agrees.
 */
export function cronProblem(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/)
  if (parts.length !== 5) return `needs 5 fields (minute hour day month weekday), received ${parts.length}`
  for (const [i, part] of parts.entries()) {
    const field = FIELDS[i]!
    for (const item of part.split(',')) {
      const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item)
      if (!match) return `${field.name}: "${item}" is not *, n, a-b, or one of those with /step`
      const [, , from, to, step] = match
      for (const n of [from, to]) {
        if (n !== undefined && (Number(n) < field.min || Number(n) > field.max)) {
          return `${field.name}: ${n} is outside ${field.min}-${field.max}`
        }
      }
      if (from !== undefined && to !== undefined && Number(from) > Number(to)) {
        return `${field.name}: range ${from}-${to} runs backwards`
      }
      if (step !== undefined && Number(step) === 0) return `${field.name}: a step must be at least 1`
    }
  }
  return undefined
}
