import { ok } from 'neverthrow'
import { describe, expect, it } from 'vitest'
import { createMemoryStore, createSyncEngine } from '../index.ts'
import { bearerAuth } from '../webhooks/bearer-auth.ts'
import { createBulkSyncHandler } from './bulk-sync-handler.ts'
import { createEventInboxHandler } from './event-inbox-handler.ts'
import type { HandlerContext } from './handler-context.ts'
import { createListingHandlers } from './listing-handlers.ts'

const TOKEN = 'token-of-acme-0001'
const knownTenant = (t: string) => t === 'acme'
const authenticate = bearerAuth({ token: (t) => (t === 'acme' ? TOKEN : undefined) })
const auth = { authorization: `Bearer ${TOKEN}` }

function setup() {
  const store = createMemoryStore()
  const engine = createSyncEngine({ store })
  return {
    store,
    bulkSync: createBulkSyncHandler({ engine, store, knownTenant, authenticate, maxBodyBytes: 2048 }),
    list: createListingHandlers({ store, knownTenant, authenticate }),
    inbox: createEventInboxHandler({
      store,
      knownTenant,
      authenticate,
      source: 'plugin',
      read: (body) => okEvent(body.value as { id: string; type: string }),
    }),
  }
}

// The inbox reader under test keeps the body as the payload.
const okEvent = (value: { id: string; type: string }) =>
  ok({ eventId: value.id, type: value.type, payload: value })

const post = (path: string, body: string, headers: Record<string, string> = auth) =>
  new Request(`http://host${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  })
const get = (path: string, headers: Record<string, string> = auth) =>
  new Request(`http://host${path}`, { headers })
const ctx = (params: Record<string, string>): HandlerContext => ({ params })
const student = (id: string) => ({ id, firstName: 'Ayşe', lastName: 'Yılmaz', status: 'active' })

describe('createBulkSyncHandler', () => {
  it('syncs the records as a recorded run and reports tenant and counts on the context', async () => {
    const { bulkSync, store } = setup()
    const context = ctx({ tenant: 'acme', entity: 'student' })
    const response = await bulkSync(post('/sync', JSON.stringify([student('1'), { id: '2' }])), context)
    expect(response.status).toBe(200)
    const body = (await response.json()) as { counts: Record<string, number>; run: { status: string } }
    expect(body.counts).toMatchObject({ total: 2, new: 1, invalid: 1 })
    expect(body.run.status).toBe('completed')
    expect(context).toMatchObject({ tenant: 'acme', counts: { new: 1 } })
    expect((await store.listRuns('acme', {}))._unsafeUnwrap()).toHaveLength(1)
  })

  it('refuses an unknown tenant (404), a missing token (401), a body over the limit (413), an unknown entity (404)', async () => {
    const { bulkSync } = setup()
    const body = JSON.stringify([student('1')])
    const statuses = await Promise.all([
      bulkSync(post('/sync', body), ctx({ tenant: 'other', entity: 'student' })),
      bulkSync(post('/sync', body, {}), ctx({ tenant: 'acme', entity: 'student' })),
      bulkSync(post('/sync', 'x'.repeat(4096)), ctx({ tenant: 'acme', entity: 'student' })),
      bulkSync(post('/sync', body), ctx({ tenant: 'acme', entity: 'spaceship' })),
    ])
    expect(statuses.map((r) => r.status)).toEqual([404, 401, 413, 404])
  })
})

describe('createListingHandlers', () => {
  it('lists runs and answers 400 naming a bad query parameter', async () => {
    const { bulkSync, list } = setup()
    await bulkSync(post('/sync', JSON.stringify([student('1')])), ctx({ tenant: 'acme', entity: 'student' }))
    const runs = await list.runs(get('/runs?status=completed'), ctx({ tenant: 'acme' }))
    expect(((await runs.json()) as { runs: unknown[] }).runs).toHaveLength(1)
    const bad = await list.runs(get('/runs?limit=0'), ctx({ tenant: 'acme' }))
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({
      error: { reason: 'BadRequest', issues: [expect.objectContaining({ path: 'limit', received: '0' })] },
    })
  })

  it('requires the tenant credentials', async () => {
    const { list } = setup()
    expect((await list.parked(get('/parked', {}), ctx({ tenant: 'acme' }))).status).toBe(401)
  })
})

describe('createEventInboxHandler', () => {
  it('stores an event once: 202 accepted, then 200 duplicate, listed in the inbox', async () => {
    const { inbox, list } = setup()
    const event = JSON.stringify({ id: 'evt-1', type: 'grade_updated' })
    const first = await inbox(post('/events', event), ctx({ tenant: 'acme' }))
    const again = await inbox(post('/events', event), ctx({ tenant: 'acme' }))
    expect([first.status, again.status]).toEqual([202, 200])
    expect(await again.json()).toEqual({ status: 'duplicate', eventId: 'evt-1' })
    const events = await list.events(get('/events?source=plugin&handled=false'), ctx({ tenant: 'acme' }))
    expect(((await events.json()) as { events: unknown[] }).events).toHaveLength(1)
  })
})
