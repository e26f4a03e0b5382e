import type { Store } from '@edusync/core'
import { StoreError } from '@edusync/core'
import { errAsync } from 'neverthrow'

/**
 * The switch of {@link switchableStore}: `down` fails calls; `only`, when set, limits that to one method;
 * `dropAfter`, when set, turns `down` on right after the next successful call of that method (the
 * database going away at that exact point, e.g. just after a delivery's idempotency claim).
 */
export interface OutageSwitch {
  down: boolean
  only?: keyof Store | undefined
  dropAfter?: keyof Store | undefined
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
      return (...args: unknown[]) => {
        if (state.down && (state.only === undefined || state.only === prop))
          return errAsync(new StoreError('Unavailable', `injected outage in ${String(prop)}`))
        const result = value.apply(target, args)
        if (state.dropAfter !== prop) return result
        state.dropAfter = undefined
        return result.map((v: unknown) => {
          state.down = true
          return v
        })
      }
    },
  })
  return { store, state }
}
