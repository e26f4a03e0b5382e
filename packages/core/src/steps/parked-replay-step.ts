import { countOutcomes } from '../sync/outcome.ts'
import type { SyncEngine } from '../sync/sync-engine.ts'
import type { Step } from './step.ts'
import { defineStep } from './step.ts'

/**
 * A step that replays every parked record whose references now exist (children that arrived before their
 * parents, after the parents came in through another path). Place it after the pulls.
 */
export function parkedReplayStep(engine: SyncEngine): Step {
  return defineStep({
    name: 'parked-replay',
    description: 'Replay parked records whose parents have arrived',
    run: ({ tenant }) => engine.replayParked(tenant).map((outcomes) => ({ counts: countOutcomes(outcomes) })),
  })
}
