import type { Store } from '@edusync/core'
import { StoreError } from '@edusync/core'
import { errAsync } from 'neverthrow'

/** The switch of {@link switchableStore}: `down` fails calls; `only`, when set, limits that to one method. */
export interface OutageSwitch {
  down: boolean
  only?: keyof Store | undefined
}

/**
 * Wraps a real Store so that, while `down` is set, every call (or only the `only` method) fails the way a
 * lost database connection does (`Unavailable`, retryable), and nothing reaches the real Store.
 */
export function switchableStore(inner: Store): { store: Store; state: OutageSwitch } {
  const state: OutageSwitch = { down: false }
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function' || prop === 'close') return value
      return (...args: unknown[]) =>
        state.down && (state.only === undefined || state.only === prop)
          ? errAsync(new StoreError('Unavailable', `injected outage in ${String(prop)}`))
          : value.apply(target, args)
    },
  })
  return { store, state }
}
