// The fake dashboard plugin behind a real HTTP server on loopback (for the benchmark and process tests,
// where msw would measure itself): the same request -> answer logic as the msw fixture.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FakeDashboardPlugin } from './fake-dashboard-plugin.ts'

/** A running plugin server: its site URL (the client appends `/webservice/rest/server.php`). */
export interface PluginServer {
  readonly url: string
  close(): Promise<void>
}

/** Serves `plugin` on 127.0.0.1 at a random port. */
export async function startPluginServer(plugin: FakeDashboardPlugin): Promise<PluginServer> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const answer = plugin.handle(Buffer.concat(chunks).toString('utf8'))
      response.writeHead(answer.status, { 'content-type': answer.contentType })
      response.end(answer.body)
    })
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
