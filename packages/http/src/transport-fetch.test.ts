import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TransportFailure } from './transport.ts'
import { createTransport } from './transport.ts'

// What the transport does itself since it calls fetch directly (it used ky): the query string and the JSON
// content type. (That the time budget also covers the body read is undici's doing: msw does not pass an
// abort on to a mocked body, so it is not checked here.)
const API = 'https://api.example.test'
const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const transport = (timeoutMs = 1_000) =>
  createTransport<TransportFailure>({ timeoutMs, fetch: undefined, onFailure: (failure) => failure })

describe('createTransport over fetch', () => {
  it('replaces a query string already in the URL with searchParams, and keeps it without them', async () => {
    const seen: string[] = []
    server.use(
      http.get(`${API}/list`, ({ request }) => {
        seen.push(new URL(request.url).search)
        return HttpResponse.text('ok')
      }),
    )
    const send = transport()
    await send({ method: 'GET', url: `${API}/list?stale=1`, searchParams: { page: '2', q: 'a&b' } })
    await send({ method: 'GET', url: `${API}/list?kept=1` })
    expect(seen).toEqual(['?page=2&q=a%26b', '?kept=1'])
  })

  it('labels a JSON body application/json unless the caller named a content type', async () => {
    const seen: Array<[string | null, string]> = []
    server.use(
      http.post(`${API}/write`, async ({ request }) => {
        seen.push([request.headers.get('content-type'), await request.text()])
        return new HttpResponse(null, { status: 204 })
      }),
    )
    const send = transport()
    await send({ method: 'POST', url: `${API}/write`, json: { a: [1, 'é'] } })
    await send({
      method: 'POST',
      url: `${API}/write`,
      headers: { 'Content-Type': 'application/vnd.api+json' },
      json: { a: 1 },
    })
    expect(seen).toEqual([
      ['application/json', '{"a":[1,"é"]}'],
      ['application/vnd.api+json', '{"a":1}'],
    ])
  })
})
