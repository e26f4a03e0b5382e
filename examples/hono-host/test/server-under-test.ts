import type { AddressInfo } from 'node:net'
import type { AppDeps } from '@edusync/example-express-host/app'
import type { MoodleSide } from '@edusync/example-express-host/moodle-side'
import { createHonoApp } from '../src/app.ts'
import { createNodeServer } from '../src/node-server.ts'

/** A host server listening on a random loopback port. */
export interface ServerUnderTest {
  readonly url: string
  readonly moodle: MoodleSide
  close(): Promise<void>
}

/**
 * Starts the Hono host for the shared HTTP suite: the Express host's suite files run with this module in
 * place of theirs (see vitest.config.ts), so both hosts are held to the same tests.
 */
export async function startServer(deps: AppDeps): Promise<ServerUnderTest> {
  const { app, moodle } = createHonoApp(deps)
  const server = createNodeServer(app.fetch).listen(0, '127.0.0.1')
  await new Promise<void>((resolve) => {
    if (server.listening) resolve()
    else server.once('listening', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    moodle,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
