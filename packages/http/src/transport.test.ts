import { delay, HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TransportFailure } from './transport.ts'
import { createTransport, describeUrl, failureMessage } from './transport.ts'

const API = 'https://api.example.test'
const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

/** An adapter's error type in miniature: the factory's output is what the transport hands back. */
class FakeError extends Error {
  constructor(readonly failure: TransportFailure) {
    super(failureMessage(failure, 'Example'))
  }
}
const transport = (options: { timeoutMs?: number; fetch?: typeof fetch } = {}) =>
  createTransport({
    timeoutMs: options.timeoutMs ?? 1_000,
    fetch: options.fetch,
    onFailure: (f) => new FakeError(f),
  })

describe('createTransport', () => {
  it('sends method, headers, query and a JSON body, and reads status, headers and body as text', async () => {
    let seen: { method: string; auth: string | null; q: string | null; json: unknown } | undefined
    server.use(
      http.put(`${API}/records`, async ({ request }) => {
        seen = {
          method: request.method,
          auth: request.headers.get('authorization'),
          q: new URL(request.url).searchParams.get('q'),
          json: await request.json(),
        }
        return HttpResponse.json({ ok: true }, { status: 202, headers: { 'x-trace': 't-1' } })
      }),
    )
    const sent = await transport()({
      method: 'PUT',
      url: `${API}/records`,
      headers: { Authorization: 'Bearer x' },
      searchParams: { q: 'a b' },
      json: { id: 1 },
    })
    const response = sent._unsafeUnwrap()
    expect([response.status, response.headers.get('x-trace'), response.body]).toEqual([
      202,
      't-1',
      '{"ok":true}',
    ])
    expect(seen).toEqual({ method: 'PUT', auth: 'Bearer x', q: 'a b', json: { id: 1 } })
  })

  it('sends a form or pre-serialised text body untouched', async () => {
    const bodies: Array<[string | null, string]> = []
    server.use(
      http.post(`${API}/token`, async ({ request }) => {
        bodies.push([request.headers.get('content-type'), await request.text()])
        return new HttpResponse(null, { status: 204 })
      }),
    )
    const send = transport()
    await send({ method: 'POST', url: `${API}/token`, body: new URLSearchParams({ grant_type: 'x' }) })
    await send({ method: 'POST', url: `${API}/token`, body: '{"Amount":10.10}' })
    expect(bodies[0]).toEqual([expect.stringContaining('application/x-www-form-urlencoded'), 'grant_type=x'])
    expect(bodies[1]?.[1]).toBe('{"Amount":10.10}')
  })

  it.each([400, 401, 429, 500, 503])('hands a %i back as a response, not an error', async (status) => {
    server.use(http.get(`${API}/x`, () => HttpResponse.text('<Fault/>', { status })))
    const response = (await transport()({ method: 'GET', url: `${API}/x` }))._unsafeUnwrap()
    expect([response.status, response.body]).toEqual([status, '<Fault/>'])
  })

  it('turns a timeout into the factory error with reason Timeout, the URL and the budget', async () => {
    server.use(
      http.get(`${API}/slow`, async () => {
        await delay(500)
        return HttpResponse.json({})
      }),
    )
    const request = { method: 'GET', url: `${API}/slow`, searchParams: { page: '2' }, label: 'slow' } as const
    const error = (await transport({ timeoutMs: 50 })(request))._unsafeUnwrapErr()
    expect(error).toBeInstanceOf(FakeError)
    expect(error.failure).toMatchObject({
      reason: 'Timeout',
      url: `${API}/slow?page=2`,
      timeoutMs: 50,
      request,
    })
    expect(error.message).toBe('no answer from Example within 50 ms')
  })

  it('turns a network failure into the factory error with reason Transport, never a throw', async () => {
    server.use(http.get(`${API}/down`, () => HttpResponse.error()))
    const error = (await transport()({ method: 'GET', url: `${API}/down` }))._unsafeUnwrapErr()
    expect(error.failure.reason).toBe('Transport')
    expect(error.failure.cause).toBeInstanceOf(Error)
    expect(error.message).toMatch(/^could not reach Example: /)
  })

  it('sends through the fetch it is given (keep-alive pools, test doubles)', async () => {
    const urls: string[] = []
    const counting: typeof fetch = async (input) => {
      urls.push(input instanceof Request ? input.url : String(input))
      return new Response('pooled', { status: 200 })
    }
    const response = (
      await transport({ fetch: counting })({ method: 'GET', url: `${API}/p` })
    )._unsafeUnwrap()
    expect([response.body, urls]).toEqual(['pooled', [`${API}/p`]])
  })

  it('turns a fetch that throws something other than an Error into a Transport failure', async () => {
    const throwing: typeof fetch = async () => {
      throw 'socket hang up'
    }
    const error = (
      await transport({ fetch: throwing })({ method: 'GET', url: `${API}/p` })
    )._unsafeUnwrapErr()
    expect([error.failure.reason, error.failure.detail]).toEqual(['Transport', 'socket hang up'])
  })
})

describe('describeUrl', () => {
  it('appends the query string when there is one', () => {
    expect(describeUrl({ url: `${API}/a` })).toBe(`${API}/a`)
    expect(describeUrl({ url: `${API}/a`, searchParams: { x: '1', y: 'a&b' } })).toBe(`${API}/a?x=1&y=a%26b`)
  })
})
