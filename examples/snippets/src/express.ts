import { Readable } from 'node:stream'
import express from 'express'
import { zohoWebhook } from './edusync.ts'

/** The README's Express snippet, in an app. */
export function createExpressApp(): express.Express {
  const app = express()
  // #region readme
  app.post('/webhooks/:tenant/zoho/:module', async (req, res) => {
    // The URL from the path alone: the Host header is the client's to choose.
    const request = new Request(new URL(req.originalUrl, 'http://localhost'), {
      method: req.method, headers: req.headers as Record<string, string>, body: Readable.toWeb(req) as ReadableStream, duplex: 'half',
    })
    const response = await zohoWebhook(request, { params: req.params })
    res.status(response.status).set(Object.fromEntries(response.headers)).end(Buffer.from(await response.arrayBuffer()))
  })
  // #endregion
  return app
}
