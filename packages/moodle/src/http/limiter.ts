/** A counting semaphore: at most `limit` tasks run at once, the rest wait in FIFO order. */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>
}

/** Creates a {@link Limiter} with the given capacity. */
export function createLimiter(limit: number): Limiter {
  let active = 0
  const waiting: Array<() => void> = []
  const release = () => {
    active--
    const next = waiting.shift()
    if (next) {
      active++
      next()
    }
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
