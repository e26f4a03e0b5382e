import { setImmediate as immediate } from 'node:timers/promises'

/**
 * Lets the event loop run (I/O callbacks, timers, other tenants' requests) before continuing. Long
 * synchronous stretches (parsing thousands of records, a batch that never touches the Store because every
 * record is INVALID) call it between slices, so one large request cannot freeze a process that serves
 * everyone. A promise chain alone does not yield: microtasks run before any I/O.
 */
export function yieldToEventLoop(): Promise<void> {
  return immediate()
}
