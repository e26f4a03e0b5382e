import type { RecordOutcome, Store, SyncExtension } from '@edusync/core'
import { countOutcomes, createSyncEngine } from '@edusync/core'
import type { Logger } from './logging.ts'

/**
 * Replays, for every tenant, the parked records whose parents exist by now. The engine replays parked
 * children right after their parent is written; a process that stopped in between (a crash, a deploy)
 * would otherwise leave them parked until the parent is synced again. Failures are logged, not fatal:
 * the host still starts and the records stay parked for the next attempt. `extensions` (finance) replay
 * their parked records in the same call.
 */
export async function replayParkedOnStart(
  store: Store,
  tenants: readonly string[],
  logger: Logger,
  extensions: readonly SyncExtension[] = [],
): Promise<Map<string, readonly RecordOutcome[]>> {
  const engine = createSyncEngine({ store, logger, extensions })
  const replayed = new Map<string, readonly RecordOutcome[]>()
  for (const tenant of tenants) {
    const result = await engine.replayParked(tenant)
    if (result.isErr()) {
      logger.warn('replaying parked records failed', { tenant, reason: result.error.reason })
      continue
    }
    replayed.set(tenant, result.value)
    if (result.value.length > 0) {
      logger.info('replayed parked records', { tenant, counts: countOutcomes(result.value) })
    }
  }
  return replayed
}
