import type { Parameters } from 'fast-check'

const DEFAULT_RUNS = 100_000

/**
 * fast-check parameters for hostile-input properties, sized by the environment:
 * - default (tests, CI): `EDUSYNC_PROPERTY_RUNS` runs, 100,000 unless set;
 * - fuzzing (`pnpm fuzz`): `EDUSYNC_FUZZ_MS` milliseconds per property with unbounded runs and a fresh
 *   seed each time, a time limit reached without a counterexample being a pass.
 *
 * `EDUSYNC_PROPERTY_SEED` replays a reported failure.
 */
export function propertyRuns<T>(): Parameters<T> {
  const env = typeof process === 'undefined' ? {} : process.env
  const seed = env.EDUSYNC_PROPERTY_SEED === undefined ? undefined : Number(env.EDUSYNC_PROPERTY_SEED)
  const fuzzMs = Number(env.EDUSYNC_FUZZ_MS ?? 0)
  if (fuzzMs > 0) {
    return {
      numRuns: 1_000_000_000,
      interruptAfterTimeLimit: fuzzMs,
      markInterruptAsFailure: false,
      ...(seed === undefined ? {} : { seed }),
    }
  }
  const runs = Number(env.EDUSYNC_PROPERTY_RUNS ?? DEFAULT_RUNS)
  return { numRuns: runs > 0 ? runs : DEFAULT_RUNS, ...(seed === undefined ? {} : { seed }) }
}

/** The vitest timeout for a property test: room for its runs, or its fuzz budget plus a minute. */
export function propertyTimeout(): number {
  const fuzzMs = Number((typeof process === 'undefined' ? {} : process.env).EDUSYNC_FUZZ_MS ?? 0)
  return fuzzMs > 0 ? fuzzMs + 60_000 : 600_000
}
