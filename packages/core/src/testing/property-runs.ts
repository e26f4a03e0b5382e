import type { IAsyncProperty, IProperty } from 'fast-check'
import * as fc from 'fast-check'

const DEFAULT_RUNS = 100_000
// Runs (or fuzzing milliseconds) per fc.assert call; the event loop turns between calls, so the test
// runner's worker stays responsive through a long property (a 100-second synchronous assert made
// vitest's worker RPC time out).
const RUNS_PER_CHUNK = 10_000
const MS_PER_CHUNK = 15_000

type AnyProperty<T> = IProperty<T> | IAsyncProperty<T>

/** Options of {@link checkProperty}. */
export interface CheckPropertyOptions {
  /**
   * Inputs per run, when one run checks several (a batch of 10 records): the run count is divided by it,
   * so "100,000 inputs" stays true. @default 1
   */
  readonly inputsPerRun?: number
}

function env(): Record<string, string | undefined> {
  return typeof process === 'undefined' ? {} : process.env
}

/**
 * Checks a hostile-input property, sized by the environment:
 * - default (tests, CI): `EDUSYNC_PROPERTY_RUNS` inputs, 100,000 unless set;
 * - fuzzing (`pnpm fuzz`): `EDUSYNC_FUZZ_MS` milliseconds with fresh seeds, running until the time is
 *   spent (reaching it without a counterexample is a pass).
 *
 * Work is split into chunks with a turn of the event loop between them. A failure reports its seed;
 * `EDUSYNC_PROPERTY_SEED=<seed>` replays it (then the first chunk alone reproduces it).
 *
 * @example
 * ```ts
 * it('never throws', () => checkProperty(fc.property(hostileValue(), (v) => { myReader(v) })), propertyTimeout())
 * ```
 */
export async function checkProperty<T>(
  property: AnyProperty<T>,
  options: CheckPropertyOptions = {},
): Promise<void> {
  const vars = env()
  const seed = vars.EDUSYNC_PROPERTY_SEED === undefined ? undefined : Number(vars.EDUSYNC_PROPERTY_SEED)
  const fuzzMs = Number(vars.EDUSYNC_FUZZ_MS ?? 0)
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve))
  if (fuzzMs > 0) {
    const deadline = Date.now() + fuzzMs
    while (Date.now() < deadline) {
      const details = await fc.check(property as IAsyncProperty<T>, {
        numRuns: 1_000_000_000,
        interruptAfterTimeLimit: Math.max(1, Math.min(MS_PER_CHUNK, deadline - Date.now())),
        markInterruptAsFailure: false,
        ...(seed === undefined ? {} : { seed }),
      })
      // Only a counterexample fails a fuzz run: a chunk cut short by its time limit (even before its first
      // run completed, on a loaded machine) found nothing.
      if (details.failed && details.counterexample !== null) throw new Error(fc.defaultReportMessage(details))
      if (seed !== undefined) return
      await turn()
    }
    return
  }
  const requested = Number(vars.EDUSYNC_PROPERTY_RUNS ?? DEFAULT_RUNS)
  const inputs = requested > 0 ? requested : DEFAULT_RUNS
  let runs = Math.ceil(inputs / Math.max(1, options.inputsPerRun ?? 1))
  for (let chunk = 0; runs > 0; chunk++) {
    const numRuns = Math.min(RUNS_PER_CHUNK, runs)
    await fc.assert(property as IAsyncProperty<T>, {
      numRuns,
      ...(seed === undefined ? {} : { seed: seed + chunk }),
    })
    runs -= numRuns
    await turn()
  }
}

/** The vitest timeout for a property test: room for 100,000 inputs, or the fuzz budget plus a minute. */
export function propertyTimeout(): number {
  const fuzzMs = Number(env().EDUSYNC_FUZZ_MS ?? 0)
  return fuzzMs > 0 ? fuzzMs + 60_000 : 900_000
}
