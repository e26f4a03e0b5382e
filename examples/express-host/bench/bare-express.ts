/**
 * The host benchmark's ceiling: a bare Express 5 route on the same machine, in its own process like the
 * host. It reads the whole body and answers a small JSON 200, and nothing else (no Store, no parsing, no
 * log line), so what the host does beyond it is the host's own cost. Prints `{"msg":"listening","url":…}`
 * once it listens (the shape the benchmark waits for).
 */
import type { AddressInfo } from 'node:net'
import express from 'express'

const app = express()
app.disable('x-powered-by')
app.post('/webhooks/:tenant/zoho/:module', async (req, res) => {
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) size += chunk.byteLength
  res.json({ received: size })
})
const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo
  console.log(JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${port}` }))
})
process.once('SIGTERM', () => server.close(() => process.exit(0)))
