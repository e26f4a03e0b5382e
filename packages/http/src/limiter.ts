/** A counting semaphore: at most `limit` tasks run at once, the rest wait in FIFO order. */
export interface Limiter {
  /** Runs `task` once a slot is free; the slot is released when it settles, fulfilled or rejected. */
  run<T>(task: () => Promise<T>): Promise<T>
}

/**
 * Creates a {@link Limiter} with `limit` slots. The APIs behind the adapters refuse calls over their
 * concurrency limit (Zoho 5–25 per org, QuickBooks 10 per realm), so the cap is held on our side.
 */
export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limiter: limit must be a whole number of at least 1, received ${limit}`)
  }
  let active = 0
  const waiting: Array<() => void> = []
  // A released slot passes straight to the next waiter, so a newcomer can never overtake the queue.
  const release = () => {
    const next = waiting.shift()
    if (next) next()
    else active--
  }
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (active < limit) active++
      else await new Promise<void>((resolve) => waiting.push(resolve))
      try {
        return await task()
      } finally {
        release()
      }
    },
  }
}
