import type { Store } from '@edusync/core'
import { StoreError } from '@edusync/core'
import { errAsync } from 'neverthrow'

/**
 * Wraps a real Store so that, while `down` is set, every call fails the way a lost database connection
 * does (`Unavailable`, retryable), and nothing reaches the real Store.
 */
export function switchableStore(inner: Store): { store: Store; state: { down: boolean } } {
  const state = { down: false }
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function' || prop === 'close') return value
      return (...args: unknown[]) =>
        state.down
          ? errAsync(new StoreError('Unavailable', `injected outage in ${String(prop)}`))
          : value.apply(target, args)
    },
  })
  return { store, state }
}
