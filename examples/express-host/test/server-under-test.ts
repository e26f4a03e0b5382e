import type { AddressInfo } from 'node:net'
import type { AppDeps } from '../src/app.ts'
import { createApp } from '../src/app.ts'
import type { MoodleSide } from '../src/moodle/moodle-side.ts'

/** A host server listening on a random loopback port. */
export interface ServerUnderTest {
  readonly url: string
  readonly moodle: MoodleSide
  close(): Promise<void>
}

/**
 * Starts the host the shared HTTP suite runs against: here the Express app. The Hono host's test project
 * runs the same suite files with this module swapped for its own (see its vitest config).
 */
export async function startServer(deps: AppDeps): Promise<ServerUnderTest> {
  const { app, moodle } = createApp(deps)
  const server = app.listen(0, '127.0.0.1')
  await new Promise<void>((resolve) => server.once('listening', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    moodle,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
