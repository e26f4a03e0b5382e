import type { Server } from 'node:http'
import { createServer } from 'node:http'
import { getRequestListener } from '@hono/node-server'

/**
 * A Node HTTP server for a fetch-style app whose request URL is built from the path alone. `@hono/node-server`
 * builds it from the `Host` header, so a Host holding "/", "?" or "#" would change which route and module
 * the handlers read, and one `new URL` cannot parse would be an error; the Express host never trusts Host
 * either. The header itself is replaced before the listener reads it (nothing downstream routes by it).
 */
export function createNodeServer(fetch: (request: Request) => Response | Promise<Response>): Server {
  const listener = getRequestListener(fetch)
  return createServer((incoming, outgoing) => {
    incoming.headers.host = 'localhost'
    void listener(incoming, outgoing)
  })
}
