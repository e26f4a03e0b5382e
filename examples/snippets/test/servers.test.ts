import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createExpressApp } from '../src/express.ts'
import { createFastifyServer } from '../src/fastify.ts'
import { createHonoApp } from '../src/hono.ts'
import { POST } from '../src/next/app/webhooks/[tenant]/zoho/[module]/route.ts'
import { store, tenants } from '../src/your-app.ts'

// A Zoho workflow webhook as the Express host's walkthrough sends it (a program record).
const sample = JSON.parse(
  readFileSync(new URL('../../express-host/samples/program.json', import.meta.url), 'utf8'),
) as { data: Record<string, unknown>[] }
const SECRET = 'zoho-shared-secret-of-acme'

/** One program record per server (a store shared by the four, so each syncs a record of its own). */
function delivery(id: string): string {
  return JSON.stringify({ data: [{ ...sample.data[0], id }] })
}

const init = (body: string, secret = SECRET): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-edusync-secret': secret },
  body,
})

/**
 * Delivers a record through `send` (one server's snippet), then the same delivery again and one with a
 * wrong secret: the record is synced and stored, the redelivery replayed (the body reached the handler
 * byte for byte), the wrong secret refused.
 */
async function expectSnippetServes(send: (body: string, secret?: string) => Promise<Response>, id: string) {
  const body = delivery(id)
  const first = await send(body)
  expect(first.status).toBe(200)
  const reply = (await first.json()) as { entity: string; outcomes: { status: string; id: string }[] }
  expect(reply.outcomes.map((o) => [o.status, o.id])).toEqual([['NEW', id]])
  const stored = (await store.readRecords('acme', reply.entity, [id]))._unsafeUnwrap()
  expect(stored.get(id)?.data).toMatchObject({ name: 'BTEC Level 5 HND in Business' })
  const again = await send(body)
  expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([200, 'true'])
  expect((await send(delivery(`${id}9`), 'not-the-secret-000')).status).toBe(401)
}

beforeAll(() => {
  tenants.acme = { zohoSecret: SECRET, apiToken: 'api-token-of-acme-0000' }
})

describe("the README's 'Your own server' snippets", () => {
  it('Hono', async () => {
    const app = createHonoApp()
    await expectSnippetServes(
      async (body, secret) => app.request('http://localhost/webhooks/acme/zoho/Products', init(body, secret)),
      '4876876000001100011',
    )
  })

  it('a Next.js route handler (POST with the route params as a promise)', async () => {
    await expectSnippetServes(
      (body, secret) =>
        POST(new Request('http://localhost/webhooks/acme/zoho/Products', init(body, secret)), {
          params: Promise.resolve({ tenant: 'acme', module: 'Products' }),
        }),
      '4876876000001100012',
    )
  })

  describe('on a listening server', () => {
    const closers: (() => Promise<void>)[] = []
    afterAll(async () => {
      for (const close of closers) await close()
    })

    it('Express', async () => {
      const server = createExpressApp().listen(0, '127.0.0.1')
      await new Promise<void>((resolve) => server.once('listening', resolve))
      closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/acme/zoho/Products`
      await expectSnippetServes((body, secret) => fetch(url, init(body, secret)), '4876876000001100013')
    })

    it('Fastify', async () => {
      const fastify = createFastifyServer()
      await fastify.listen({ port: 0, host: '127.0.0.1' })
      closers.push(() => fastify.close())
      const url = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}/webhooks/acme/zoho/Products`
      await expectSnippetServes((body, secret) => fetch(url, init(body, secret)), '4876876000001100014')
    })
  })
})
