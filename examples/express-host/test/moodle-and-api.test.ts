import { randomUUID } from 'node:crypto'
import type { PgStore } from '@edusync/store-pg'
import { createPgStore } from '@edusync/store-pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { switchableStore } from './failing-store.ts'
import type { TestHost } from './host.ts'
import { post, SECRETS, startHost, tenant } from './host.ts'

let pg: PgStore
let outage: { down: boolean }
let host: TestHost

beforeAll(async () => {
  pg = createPgStore({})
  const switchable = switchableStore(pg)
  outage = switchable.state
  host = await startHost({
    store: switchable.store,
    tenants: { acme: tenant(), beta: tenant({ moodleToken: 'beta-moodle-token-0000' }) },
  })
}, 60_000)

afterAll(async () => {
  await host.close()
  await pg.close()
})

const moodle = { authorization: `Bearer ${SECRETS.moodleToken}` }
const api = { authorization: `Bearer ${SECRETS.apiToken}` }
const event = (id = randomUUID()) => ({
  event_id: id,
  event_type: 'grade_updated',
  event_data: { userid: 5, courseid: 12, itemid: 77, finalgrade: 3, grademin: 0, grademax: 4 },
  moodle_event_id: 981234,
  timestamp: 1768469400,
})
const get = async (path: string, headers: Record<string, string> = api) => {
  const r = await fetch(`${host.url}${path}`, { headers })
  return { status: r.status, body: (await r.json()) as Record<string, unknown> }
}

describe('Moodle plugin events', () => {
  const inbox = async (query = '') =>
    (await get(`/api/acme/events?source=moodle${query}`)).body.events as Record<string, unknown>[]

  it('stores an event in the inbox, acknowledges it with 202 and lists it as pending', async () => {
    const e = event()
    const r = await post(`${host.url}/webhooks/acme/moodle/events`, e, moodle)
    expect([r.status, r.body]).toEqual([202, { status: 'accepted', eventId: e.event_id }])
    const listed = (await inbox('&handled=false&limit=1000')).filter((x) => x.eventId === e.event_id)
    expect(listed).toEqual([
      {
        source: 'moodle',
        eventId: e.event_id,
        type: 'grade_updated',
        payload: e,
        receivedAt: expect.any(String),
        handledAt: null,
      },
    ])
    expect(await inbox('&handled=true')).toEqual([])
    // Events are not records waiting for parents: nothing of them shows up as parked.
    const parked = (await get('/api/acme/parked?limit=1000')).body.parked as { id: string }[]
    expect(parked.filter((p) => p.id === e.event_id)).toEqual([])
  })

  it('acknowledges a redelivered event id as a duplicate (2xx) and stores it once, the first body kept', async () => {
    const e = event()
    await post(`${host.url}/webhooks/acme/moodle/events`, e, moodle)
    const again = await post(
      `${host.url}/webhooks/acme/moodle/events`,
      { ...e, timestamp: e.timestamp + 60 },
      moodle,
    )
    expect([again.status, again.body]).toEqual([200, { status: 'duplicate', eventId: e.event_id }])
    const stored = (await inbox('&limit=1000')).filter((x) => x.eventId === e.event_id)
    expect(stored.map((x) => x.payload)).toEqual([e])
  })

  it('stores two deliveries of one event racing each other once', async () => {
    const e = event()
    const replies = await Promise.all(
      [1, 2].map(() => post(`${host.url}/webhooks/acme/moodle/events`, e, moodle)),
    )
    expect(replies.map((r) => r.body.status).sort()).toEqual(['accepted', 'duplicate'])
    expect((await inbox('&limit=1000')).filter((x) => x.eventId === e.event_id)).toHaveLength(1)
  })

  it('lists the inbox by type and limit, oldest first, with the API token only', async () => {
    const quiz = { ...event(), event_type: 'quiz_attempt_submitted' }
    await post(`${host.url}/webhooks/acme/moodle/events`, quiz, moodle)
    const byType = (await get('/api/acme/events?type=quiz_attempt_submitted')).body.events as {
      eventId: string
    }[]
    expect(byType.map((x) => x.eventId)).toEqual([quiz.event_id])
    const all = (await inbox('&limit=1000')).map((x) => x.eventId)
    expect(all.at(-1)).toBe(quiz.event_id)
    expect(await inbox('&limit=1')).toEqual([expect.objectContaining({ eventId: all[0] })])
    expect((await get('/api/acme/events', {})).status).toBe(401)
    expect((await get('/api/acme/events', moodle)).status).toBe(401)
    expect((await get('/api/beta/events')).body.events).toEqual([])
  })

  it('answers 400 naming the parameter for a handled value that is not true or false', async () => {
    const r = await get('/api/acme/events?handled=yes')
    expect(r.status).toBe(400)
    expect((r.body.error as { issues: unknown[] }).issues).toEqual([
      expect.objectContaining({ path: 'handled', received: 'yes' }),
    ])
  })

  it("refuses a missing, wrong or other tenant's token", async () => {
    const url = `${host.url}/webhooks/acme/moodle/events`
    expect((await post(url, event())).status).toBe(401)
    expect((await post(url, event(), { authorization: 'Bearer wrong-token-0000000' })).status).toBe(401)
    expect((await post(url, event(), { authorization: 'Bearer beta-moodle-token-0000' })).status).toBe(401)
  })

  it('answers 400 naming the field when the envelope is not a plugin event', async () => {
    const r = await post(
      `${host.url}/webhooks/acme/moodle/events`,
      { ...event(), timestamp: 'yesterday' },
      moodle,
    )
    expect(r.status).toBe(400)
    expect(r.body.error.issues).toEqual([
      expect.objectContaining({ path: 'timestamp', received: 'yesterday' }),
    ])
  })

  it('answers 503 while the Store is down and stores the event when the plugin retries', async () => {
    const e = event()
    outage.down = true
    try {
      const r = await post(`${host.url}/webhooks/acme/moodle/events`, e, moodle)
      expect([r.status, r.headers.get('retry-after')]).toEqual([503, '5'])
    } finally {
      outage.down = false
    }
    expect((await post(`${host.url}/webhooks/acme/moodle/events`, e, moodle)).status).toBe(202)
    expect((await inbox('&limit=1000')).filter((x) => x.eventId === e.event_id)).toHaveLength(1)
  })
})

describe('bulk sync API', () => {
  const students = (n: number, name = 'Student') =>
    Array.from({ length: n }, (_, i) => ({
      id: `48768760000045${String(i).padStart(5, '0')}`,
      firstName: `${name} ${i}`,
      lastName: 'Demir',
      status: 'active',
    }))

  it('syncs a batch as a recorded run and lists the run', async () => {
    const r = await post(`${host.url}/api/acme/sync/student`, { records: students(250) }, api)
    expect(r.status).toBe(200)
    expect(r.body.counts).toMatchObject({ total: 250, new: 250 })
    const run = r.body.run as { id: string; status: string }
    expect(run.status).toBe('completed')
    const runs = await get('/api/acme/runs?step=api:student')
    expect(runs.body.runs).toEqual([
      expect.objectContaining({
        id: run.id,
        step: 'api:student',
        status: 'completed',
        counts: expect.objectContaining({ new: 250 }),
      }),
    ])
    const again = await post(`${host.url}/api/acme/sync/student`, students(250), api)
    expect(again.body.counts).toMatchObject({ total: 250, unchanged: 250 })
  })

  it('reports invalid records with their issues and stores the valid ones', async () => {
    const batch = [
      ...students(2, 'Valid'),
      { id: '4876876000004599999', firstName: '', lastName: 'X', status: 'sleeping' },
    ]
    const r = await post(`${host.url}/api/beta/sync/student`, batch, api)
    expect(r.body.counts).toMatchObject({ total: 3, new: 2, invalid: 1 })
    expect(
      (r.body.problems as { status: string; issues: { path: string }[] }[])[0]?.issues.map((i) => i.path),
    ).toEqual(expect.arrayContaining(['firstName', 'status']))
  })

  it('answers 404 for an unknown entity and 401 without the API token', async () => {
    expect((await post(`${host.url}/api/acme/sync/wizard`, [], api)).status).toBe(404)
    expect((await post(`${host.url}/api/acme/sync/student`, [])).status).toBe(401)
    expect((await get('/api/acme/runs', {})).status).toBe(401)
  })

  it('validates listing queries', async () => {
    const r = await get('/api/acme/runs?limit=0')
    expect(r.status).toBe(400)
  })
})

describe('health and logs', () => {
  it('reports the Store healthy, and unavailable (503) while it is down', async () => {
    expect(await get('/health', {})).toEqual({ status: 200, body: { status: 'ok', store: 'pglite' } })
    outage.down = true
    try {
      expect((await get('/health', {})).status).toBe(503)
    } finally {
      outage.down = false
    }
  })

  it('writes one JSON line per request, and the engine lines carry the same request id', async () => {
    const requestId = `req-${randomUUID()}`
    await post(
      `${host.url}/api/acme/sync/student?secret=should-not-be-logged`,
      [{ id: '4876876000004600001', firstName: 'A', lastName: 'B', status: 'active' }],
      {
        ...api,
        'x-request-id': requestId,
      },
    )
    const lines = host.logs
      .filter((l) => l.includes(requestId))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    const request = lines.find((l) => l.msg === 'request')
    expect(request).toMatchObject({
      level: 'info',
      requestId,
      method: 'POST',
      path: '/api/acme/sync/student',
      status: 200,
      tenant: 'acme',
      counts: expect.objectContaining({ new: 1 }),
    })
    expect(typeof request?.latencyMs).toBe('number')
    expect(lines.some((l) => l.msg === 'batch synced')).toBe(true)
    const all = host.logs.join('')
    for (const secret of [...Object.values(SECRETS), 'should-not-be-logged'])
      expect(all).not.toContain(secret)
  })
})
