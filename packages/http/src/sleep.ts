/** Waits `ms` milliseconds; injected wherever a wait happens so tests can record waits instead of taking them. */
export type Sleep = (ms: number) => Promise<void>

/** The {@link Sleep} of production code: a timer. */
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
