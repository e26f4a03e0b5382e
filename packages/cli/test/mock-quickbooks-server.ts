// The QuickBooks stand-in of @edusync/quickbooks/testing (a stateful company answering with the documented
// shapes of api-facts.md §3: batch with per-item Faults in 200 bodies, query pages, 6240 / 5010 faults,
// XML 401s, rotating refresh tokens) served on 127.0.0.1, because the CLI under test is a child process
// that msw in the test process cannot reach.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { MockQuickBooks } from '@edusync/quickbooks/testing'
import { createMockQuickBooks } from '@edusync/quickbooks/testing'

export interface MockQuickBooksServer {
  /** Base URL of the API (`QUICKBOOKS_BASE_URL`). */
  readonly url: string
  /** The token endpoint (`QUICKBOOKS_TOKEN_URL`). */
  readonly tokenUrl: string
  readonly mock: MockQuickBooks
  close(): Promise<void>
}

export async function startMockQuickBooks(): Promise<MockQuickBooksServer> {
  const mock = createMockQuickBooks()
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const headers = new Headers()
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers.set(name, value)
        else if (Array.isArray(value)) headers.set(name, value.join(', '))
      }
      const answer = mock.handle({
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
      })
      const send = () => {
        res.writeHead(answer.status, answer.headers ?? {})
        res.end(answer.body)
      }
      if (answer.delayMs) setTimeout(send, answer.delayMs)
      else send()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    tokenUrl: `${url}/oauth2/v1/tokens/bearer`,
    mock,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
