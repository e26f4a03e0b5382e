/**
 * A Store decorator that injects failures into chosen methods of a real Store (the memory Store by
 * default), so tests can see how the engine behaves when its Store fails. Everything else is delegated.
 */
import { errAsync } from 'neverthrow'
import type { Store, StoreErrorReason } from '../index.ts'
import { createMemoryStore, StoreError } from '../index.ts'

type Method = Exclude<keyof Store, 'id' | 'capabilities' | 'close'>

/** A Store whose methods can be made to fail, plus a log of every call made to it. */
export interface FaultyStore extends Store {
  /** The wrapped Store (read it to see what was really written). */
  readonly inner: Store
  /** Method names in call order. */
  readonly calls: Method[]
  /**
   * Makes `method` fail with `reason`; `after` calls of it still succeed first (default 0), and it fails
   * `times` times (default: until {@link FaultyStore.heal}).
   */
  failOn(method: Method, reason?: StoreErrorReason, options?: { after?: number; times?: number }): void
  /** Removes every injected failure. */
  heal(): void
}

/** Wraps `inner` (default: a fresh memory Store) in a {@link FaultyStore}. */
export function createFaultyStore(inner: Store = createMemoryStore()): FaultyStore {
  const faults = new Map<Method, { reason: StoreErrorReason; after: number; times: number }>()
  const calls: Method[] = []

  const wrap =
    <M extends Method>(method: M) =>
    (...args: Parameters<Store[M]>): ReturnType<Store[M]> => {
      calls.push(method)
      const fault = faults.get(method)
      if (fault) {
        if (fault.after > 0) fault.after--
        else if (fault.times > 0) {
          fault.times--
          return errAsync(
            new StoreError(fault.reason, `injected ${fault.reason} failure in ${method}`),
          ) as ReturnType<Store[M]>
        }
      }
      const fn = inner[method] as (...a: Parameters<Store[M]>) => ReturnType<Store[M]>
      return fn.apply(inner, args)
    }

  const methods = [
    'readFingerprints',
    'readRecords',
    'existingIds',
    'applyBatch',
    'countRecords',
    'parkedWaitingFor',
    'listParked',
    'purgeParked',
    'upsertLinks',
    'readLinks',
    'findByExternalIds',
    'claimIdempotencyKey',
    'renewIdempotencyKey',
    'completeIdempotencyKey',
    'releaseIdempotencyKey',
    'appendEvents',
    'listEvents',
    'markEventsHandled',
    'applyDeletes',
    'readTombstones',
    'listTombstones',
    'listRecordIds',
    'findReferencing',
    'quarantineDeletes',
    'listQuarantine',
    'getQuarantine',
    'discardQuarantine',
    'listClassEnrollments',
    'findStudentsByEmail',
    'createRun',
    'updateRun',
    'getRun',
    'listRuns',
  ] as const satisfies readonly Method[]
  // Fails to compile when the Store port gains a method this list does not delegate.
  const everyMethod: [Exclude<Method, (typeof methods)[number]>] extends [never] ? true : never = true
  void everyMethod

  const store = {
    id: `faulty(${inner.id})`,
    capabilities: inner.capabilities,
    inner,
    calls,
    failOn(
      method: Method,
      reason: StoreErrorReason = 'Unavailable',
      options: { after?: number; times?: number } = {},
    ) {
      faults.set(method, {
        reason,
        after: options.after ?? 0,
        times: options.times ?? Number.POSITIVE_INFINITY,
      })
    },
    heal() {
      faults.clear()
    },
    close: () => inner.close(),
  } as Record<string, unknown>
  for (const method of methods) store[method] = wrap(method)
  return store as unknown as FaultyStore
}
