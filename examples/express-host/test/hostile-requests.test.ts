import type { PgStore } from '@edusync/store-pg'
import { createPgStore } from '@edusync/store-pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestHost } from './host.ts'
import { post, SECRETS, startHost, tenant } from './host.ts'
import { rawRequest } from './raw-http.ts'
import { zohoStudent } from './zoho-fixtures.ts'

// Every test here runs against a host on the real embedded PGlite, the Store issue 18 took down, and
// ends by checking that the process still serves: health, and a normal delivery.
let pg: PgStore
let host: TestHost
const shared = { 'x-edusync-secret': SECRETS.zohoSecret }
const api = { authorization: `Bearer ${SECRETS.apiToken}` }
const zoho = (module = 'BTEC_Students') => `${host.url}/webhooks/t/zoho/${module}`
const bulk = (entity = 'student') => `${host.url}/api/t/sync/${entity}`
const nested = (depth: number): unknown => {
  let v: unknown = 'x'
  for (let i = 0; i < depth; i++) v = [v]
  return v
}
let normal = 0

beforeAll(async () => {
  pg = createPgStore({})
  host = await startHost({ store: pg, tenants: { t: tenant() } })
}, 60_000)

afterAll(async () => {
  await host.close()
  await pg.close()
})

async function expectStillServing() {
  const health = await fetch(`${host.url}/health`)
  expect(health.status).toBe(200)
  const id = `48768760000099${String(++normal).padStart(5, '0')}`
  const delivery = await post(zoho(), { data: [zohoStudent({ id })] }, shared)
  expect(delivery.status).toBe(200)
  expect(delivery.body.counts).toMatchObject({ total: 1, invalid: 0, error: 0 })
}

describe('hostile bodies (issue 18)', () => {
  // Regression: the reply echoing a ~2,000-deep value was stored under the Idempotency-Key and crashed
  // PGlite: every tenant and /health answered 503 until a restart.
  it('answers bodies nested 2,000 deep with 400 max_depth on every route, idempotency key or not', async () => {
    const deep = nested(2_000)
    const headers = { ...shared, 'idempotency-key': 'deep-1' }
    const viaZoho = await post(zoho(), { data: [zohoStudent({ First_Name: deep })] }, headers)
    expect(viaZoho.status).toBe(400)
    expect(viaZoho.body.error.issues?.[0]).toMatchObject({ rule: 'max_depth' })
    const viaBulk = await post(bulk(), [{ id: 's1', metadata: deep }], {
      ...api,
      'idempotency-key': 'deep-2',
    })
    expect(viaBulk.status).toBe(400)
    const viaMoodle = await post(
      `${host.url}/webhooks/t/moodle/events`,
      { event_id: deep },
      {
        authorization: `Bearer ${SECRETS.moodleToken}`,
      },
    )
    expect(viaMoodle.status).toBe(400)
    await expectStillServing()
  })

  it('answers a record nested within the body limit but invalid with a bounded echo, and remembers it', async () => {
    const record = zohoStudent({ id: '4876876000009900999', First_Name: nested(40) })
    const first = await post(zoho(), { data: [record] }, { ...shared, 'idempotency-key': 'nested-40' })
    expect(first.status).toBe(400)
    expect(JSON.stringify(first.body).length).toBeLessThan(20_000)
    const replay = await fetch(zoho(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...shared, 'idempotency-key': 'nested-40' },
      body: JSON.stringify({ data: [record] }),
    })
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    await expectStillServing()
  })

  // Regression: 2 MB of [{},{},...] (~700,000 records) held the event loop for ~13 s.
  it('answers 700,000 records in one bulk body with 413 before parsing them', async () => {
    const started = performance.now()
    const reply = await post(bulk(), `[${'{},'.repeat(700_000)}{}]`, api)
    expect(reply.status).toBe(413)
    expect(reply.body.error.issues?.[0]).toMatchObject({ rule: 'max_records' })
    expect(performance.now() - started).toBeLessThan(10_000)
    await expectStillServing()
  })

  it('answers a field longer than MAX_STRING_LENGTH with 400 max_length naming the field', async () => {
    const reply = await post(bulk(), [{ id: 's1', firstName: 'x'.repeat(100_001) }], api)
    expect(reply.status).toBe(400)
    expect(reply.body.error.issues?.[0]).toMatchObject({ path: '0.firstName', rule: 'max_length' })
  })

  // Regression: String({toString: 1}) threw inside the Zoho webhook reader: a 500 for a 40-byte body.
  it('answers a notification callback with an unstringifiable channel_id with 400', async () => {
    const reply = await post(zoho(), '{"channel_id":{"toString":1},"ids":["1"]}', shared)
    expect(reply.status).toBe(400)
    await expectStillServing()
  })

  it('never answers NUL or lone-surrogate text with a retryable status (a redelivery cannot succeed)', async () => {
    for (const [i, text] of ['Ad\\u0000a', 'Ad\\ud800a'].entries()) {
      const id = `48768760000088${String(i).padStart(5, '0')}`
      const body = JSON.stringify({ data: [zohoStudent({ id, First_Name: '@' })] }).replace(
        '"@"',
        `"${text}"`,
      )
      const reply = await post(zoho(), body, shared)
      expect(reply.status).toBeGreaterThanOrEqual(400)
      expect(reply.status).toBeLessThan(500)
      expect(reply.status).not.toBe(409)
    }
    await expectStillServing()
  })
})

describe("malformed requests are the client's mistake: 4xx, and the process stays healthy", () => {
  it('answers a malformed percent-encoding in a path segment with 400, not 500', async () => {
    const webhook = await fetch(`${host.url}/webhooks/%E0%A4%A/zoho`, {
      method: 'POST',
      headers: shared,
      body: '{}',
    })
    expect(webhook.status).toBe(400)
    expect(await webhook.json()).toEqual({ error: { reason: 'BadRequest', message: 'malformed request' } })
    const listing = await fetch(`${host.url}/api/%ZZ/runs`, { headers: api })
    expect(listing.status).toBe(400)
    await expectStillServing()
  })

  // Regression: the web adapter built the request URL from Host; a Host with "/", "?" or "#" changed
  // which module the handler read from the path, and one `new URL` could not parse was a 500.
  it.each(['evil.example/webhooks/t/zoho/Products?', 'evil.example#', '[::1', 'a b'])(
    'routes by the path whatever the Host header says (%s)',
    async (hostHeader) => {
      const body = JSON.stringify({ data: [zohoStudent({ id: '4876876000007700123' })] })
      const { status, response } = await rawRequest(
        host.url,
        [
          'POST /webhooks/t/zoho/BTEC_Students HTTP/1.1',
          `Host: ${hostHeader}`,
          'Content-Type: application/json',
          `X-Edusync-Secret: ${SECRETS.zohoSecret}`,
          `Content-Length: ${Buffer.byteLength(body)}`,
          'Connection: close',
          '',
          body,
        ].join('\r\n'),
      )
      expect(status).toBe(200)
      expect(response).toContain('"entity":"student"')
      await expectStillServing()
    },
  )

  it('answers a request with a header the fetch standard refuses as Node would, never 500', async () => {
    const { status } = await rawRequest(
      host.url,
      ['GET /health HTTP/1.1', 'Host: localhost', 'X-\u00ff-Odd: 1', 'Connection: close', '', ''].join(
        '\r\n',
      ),
    )
    expect(status === 200 || status === 400).toBe(true)
    const listing = await rawRequest(
      host.url,
      [
        'GET /api/t/runs HTTP/1.1',
        'Host: localhost',
        `Authorization: Bearer ${SECRETS.apiToken}`,
        'X-Odd: a\u007fb',
        'Connection: close',
        '',
        '',
      ].join('\r\n'),
    )
    expect(listing.status === 200 || listing.status === 400).toBe(true)
    await expectStillServing()
  })

  it('survives a body cut short, broken chunked encoding and invalid UTF-8', async () => {
    const head = (extra: string) =>
      [
        'POST /api/t/sync/student HTTP/1.1',
        'Host: localhost',
        'Content-Type: application/json',
        `Authorization: Bearer ${SECRETS.apiToken}`,
        extra,
        '',
        '',
      ].join('\r\n')
    // The client promises 1,000 bytes, sends 10 and hangs up: no one is left to answer.
    const cut = await rawRequest(host.url, `${head('Content-Length: 1000')}[{"id":"1"`, {
      endAfterWrite: true,
    })
    expect(cut.status === undefined || (cut.status >= 400 && cut.status < 500)).toBe(true)
    const chunked = await rawRequest(host.url, `${head('Transfer-Encoding: chunked')}zz\r\n[]\r\n0\r\n\r\n`)
    expect(chunked.status).toBe(400)
    const invalid = await fetch(bulk(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...api },
      body: new Uint8Array([0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d]),
    })
    expect(invalid.status).toBe(400)
    await expectStillServing()
  })
})
