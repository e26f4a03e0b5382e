import { Hono } from 'hono'
import { zohoWebhook } from './edusync.ts'

/** The README's Hono snippet, in an app. */
export function createHonoApp(): Hono {
  const app = new Hono()
  // #region readme
  app.post('/webhooks/:tenant/zoho/:module', (c) => zohoWebhook(c.req.raw, { params: c.req.param() }))
  // #endregion
  return app
}
