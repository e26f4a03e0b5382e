import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import Fastify from 'fastify'
import { zohoWebhook } from './edusync.ts'

/** The README's Fastify snippet, in a server. */
export function createFastifyServer(): FastifyInstance {
  const fastify = Fastify()
  // #region readme
  // Keep the body raw: signatures are checked over the exact bytes, and the handler caps the size.
  fastify.removeAllContentTypeParsers()
  fastify.addContentTypeParser('*', (_req, payload, done) => done(null, payload))
  fastify.post('/webhooks/:tenant/zoho/:module', async (req, reply) => {
    const request = new Request(new URL(req.url, 'http://localhost'), {
      method: req.method, headers: req.headers as Record<string, string>, body: Readable.toWeb(req.raw) as ReadableStream, duplex: 'half',
    })
    const response = await zohoWebhook(request, { params: req.params as Record<string, string> })
    return reply.code(response.status).headers(Object.fromEntries(response.headers)).send(Buffer.from(await response.arrayBuffer()))
  })
  // #endregion
  return fastify
}
