import { createMemoryPushLedger, createMemoryStore } from '@edusync/core'
import { DASHBOARD_TARGET, dashboardOutboxTargets } from '@edusync/moodle'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFakeDashboardPlugin } from '../../../packages/moodle/src/__fixtures__/fake-dashboard-plugin.ts'
import { ENDPOINT, SITE_URL, TOKEN } from '../../../packages/moodle/src/__fixtures__/fake-moodle.ts'
import type { TestHost } from './host.ts'
import { post, SECRETS, startHost, tenant } from './host.ts'

// The school's Moodle plugin at the HTTP boundary (its documented `local_mzi_*` answers).
const plugin = createFakeDashboardPlugin()
const server = setupServer(
  http.post(ENDPOINT, async ({ request }) => {
    const answer = plugin.handle(await request.text())
    return new HttpResponse(answer.body, {
      status: answer.status,
      headers: { 'content-type': answer.contentType },
    })
  }),
)
const api = { authorization: `Bearer ${SECRETS.apiToken}` }
const ledger = createMemoryPushLedger()
let host: TestHost

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'bypass' })
  // The Store's outbox records each write's push in the same write; only `acme` has the switch on.
  const store = createMemoryStore({
    outbox: { ledger, targets: dashboardOutboxTargets((t) => t === 'acme') },
  })
  host = await startHost({
    store,
    pushLedger: ledger,
    tenants: {
      acme: tenant({
        dashboard: true,
        moodle: { url: SITE_URL, token: TOKEN, categories: {}, defaultUsers: [] },
      }),
      plain: tenant(),
    },
  })
})
afterAll(async () => {
  await host.close()
  server.close()
})

interface Listing {
  counts: Record<string, Record<string, number>>
  entries: { recordId: string; status: string; lastError: string | null }[]
}
const listing = async (tenantId: string, query = '') => {
  const response = await fetch(`${host.url}/api/${tenantId}/push/${DASHBOARD_TARGET}${query}`, {
    headers: api,
  })
  return { status: response.status, body: (await response.json()) as Listing }
}
// The push runs in the background after the sync answered: wait until the ledger settles.
async function settled(tenantId: string, entity: string, status: string, n: number) {
  for (let i = 0; i < 200; i++) {
    const { body } = await listing(tenantId)
    if (body.counts[entity]?.[status] === n && (body.counts[entity]?.in_progress ?? 0) === 0) return body
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`${entity} never reached ${n} ${status}`)
}

describe('the host pushes the student dashboard', () => {
  it('pushes after the sync, lists the ledger, and replays failures after a Moodle outage', async () => {
    const sync = (entity: string, records: unknown[]) =>
      post(`${host.url}/api/acme/sync/${entity}`, records, api)
    expect((await sync('program', [{ id: 'prg-1', name: 'BTEC HND' }])).status).toBe(200)
    await sync('student', [{ id: 's1', firstName: 'Ada', lastName: 'Lovelace', status: 'active' }])
    await sync('registration', [
      {
        id: 'r1',
        studentId: 's1',
        programId: 'prg-1',
        registrationDate: '2026-09-01',
        status: 'active',
        programPrice: { minor: 450_000, currency: 'USD' },
        paymentSchedule: [{ number: 1, dueDate: '2026-10-01', amount: { minor: 450_000, currency: 'USD' } }],
      },
    ])
    await settled('acme', 'registration', 'synced', 1)
    expect(plugin.tables.registrations.get('r1')).toMatchObject({
      program_name: 'BTEC HND',
      total_fees: '4500.00',
    })

    plugin.control.down = true
    const payment = {
      id: 'p1',
      registrationId: 'r1',
      amount: { minor: 1000, currency: 'USD' },
      paymentDate: '2026-09-02',
    }
    expect((await sync('payment', [payment])).status).toBe(200)
    const failed = await settled('acme', 'payment', 'failed', 1)
    expect(failed.counts.student).toMatchObject({ synced: 1 })
    const list = await listing('acme', '?entity=payment&status=failed')
    expect(list.body.entries).toMatchObject([
      { recordId: 'p1', status: 'failed', lastError: expect.stringMatching(/Unavailable/) },
    ])

    plugin.control.down = false
    const replay = await post(
      `${host.url}/api/acme/push/${DASHBOARD_TARGET}/replay`,
      { entity: 'payment', ids: ['p1'] },
      api,
    )
    expect(replay).toMatchObject({ status: 200, body: { replayed: 1 } })
    await settled('acme', 'payment', 'synced', 1)
    expect(plugin.tables.payments.get('p1')).toMatchObject({ payment_amount: '10.00' })
  })

  it('tracks nothing for a tenant whose switch is off, and guards the routes', async () => {
    await post(
      `${host.url}/api/plain/sync/student`,
      [{ id: 's9', firstName: 'A', lastName: 'B', status: 'active' }],
      api,
    )
    const { status, body } = await listing('plain')
    expect(status).toBe(200)
    expect(body.counts.student).toEqual({ pending: 0, in_progress: 0, synced: 0, failed: 0 })
    expect(plugin.calls.some((c) => c.params.studentdata?.includes('s9'))).toBe(false)
    expect((await fetch(`${host.url}/api/acme/push/${DASHBOARD_TARGET}`)).status).toBe(401)
    expect((await fetch(`${host.url}/api/acme/push/quickbooks`, { headers: api })).status).toBe(404)
  })
})
