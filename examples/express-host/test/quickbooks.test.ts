import { createMemoryPushLedger, createMemoryStore, createMemoryTokenStore } from '@edusync/core'
import type { CustomerSubject } from '@edusync/quickbooks'
import type { MockQuickBooks } from '@edusync/quickbooks/testing'
import { createMockQuickBooks, REALM } from '@edusync/quickbooks/testing'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.ts'
import { createLogger } from '../src/logging.ts'
import { createQuickBooksHost } from '../src/quickbooks/quickbooks-host.ts'
import { SECRETS, tenant } from './host.ts'
import { useIntuit } from './intuit.ts'
import { startServer } from './server-under-test.ts'

// QuickBooks and Intuit's token endpoint are mocked at the HTTP boundary; the host itself is real.
let company: MockQuickBooks = createMockQuickBooks()
useIntuit(() => company)

const people: CustomerSubject[] = [
  { kind: 'student', id: 'STU-1', firstName: 'Jean', lastName: 'Uwase', regNo: 'R-1', campusId: '5' },
  { kind: 'student', id: 'STU-2', firstName: 'Jean', lastName: 'Uwase', regNo: 'R-2' },
  { kind: 'applicant', id: 'APP-1', firstName: 'Jean', lastName: 'Uwase', applicationId: '20261' },
]

async function start() {
  company = createMockQuickBooks()
  const config = loadConfig({
    NODE_ENV: 'test',
    EDUSYNC_TENANTS: JSON.stringify({ 'qb-school': tenant() }),
    LOG_LEVEL: 'error',
  })
  const tokenStore = createMemoryTokenStore()
  const quickbooks = createQuickBooksHost({
    app: {
      clientId: 'ABclient',
      clientSecret: 'secret',
      redirectUri: 'https://host.example/quickbooks/callback',
    },
    realms: { 'qb-school': REALM },
    tokenStore,
    ledger: createMemoryPushLedger(),
    subjects: (_tenant, kinds) => people.filter((p) => kinds.has(p.kind)),
    lookups: () => ({ campus: new Map([['5', 'Kigali Campus']]) }),
    client: {
      retry: { limit: 2, baseDelayMs: 1, maxDelayMs: 2, throttleWaitMs: 5 },
      limits: { requestsPerMinute: 100_000, batchPerMinute: 100_000 },
    },
  })
  // The host under test: Express here, Hono in the Hono host's project (the shared suite).
  const server = await startServer({
    config,
    store: createMemoryStore(),
    logger: createLogger('error', () => {}),
    quickbooks,
  })
  const base = server.url
  const auth = { authorization: `Bearer ${SECRETS.apiToken}` }
  const get = async (path: string, headers: Record<string, string> = auth) => {
    const r = await fetch(`${base}${path}`, { headers })
    return {
      status: r.status, // biome-ignore lint/suspicious/noExplicitAny: a loose view of the JSON replies the assertions read
      body: (await r.json()) as Record<string, any>,
    }
  }
  return {
    base,
    auth,
    get,
    tokenStore,
    close: () => server.close(),
  }
}

describe('QuickBooks routes', () => {
  it('connects a company, then analyzes, previews, syncs and reports customers', async () => {
    const host = await start()
    try {
      expect((await host.get('/api/qb-school/quickbooks/connect', {})).status).toBe(401)
      const connect = await host.get('/api/qb-school/quickbooks/connect')
      const url = new URL(connect.body.url)
      const state = url.searchParams.get('state') ?? ''
      company.state.codes.set('AB11-code', true)
      const forged = await host.get(
        `/quickbooks/callback?code=AB11-code&state=${state}x&realmId=${REALM}`,
        {},
      )
      expect(forged.status).toBe(400)
      const wrongCompany = await host.get(
        `/quickbooks/callback?code=AB11-code&state=${state}&realmId=123`,
        {},
      )
      expect(wrongCompany.status).toBe(409)
      const callback = await host.get(
        `/quickbooks/callback?code=AB11-code&state=${state}&realmId=${REALM}`,
        {},
      )
      expect(callback).toEqual({ status: 200, body: { connected: { tenant: 'qb-school', realmId: REALM } } })
      expect(JSON.stringify(callback.body)).not.toContain('at-')
      expect(
        (await host.tokenStore.read('qb-school', `quickbooks:${REALM}`))._unsafeUnwrap()?.tokens.refreshToken,
      ).toBe('rt-1')

      const analyze = await host.get('/api/qb-school/quickbooks/customers/analyze')
      expect(analyze.body.data.overall).toMatchObject({ total: 3, notSynced: 3, synced: 0 })
      const preview = await host.get('/api/qb-school/quickbooks/customers/preview?kind=student&limit=1')
      expect(preview.body.data).toMatchObject({
        total: 2,
        limit: 1,
        items: [{ id: 'STU-1', action: 'create', displayName: 'Jean Uwase' }],
      })
      const bad = await host.get('/api/qb-school/quickbooks/customers/preview?limit=500')
      expect(bad.status).toBe(400)

      const started = await fetch(`${host.base}/api/qb-school/quickbooks/customers/sync`, {
        method: 'POST',
        headers: { ...host.auth, 'content-type': 'application/json' },
        body: JSON.stringify({ batch_size: 50 }),
      })
      expect(started.status).toBe(202)
      let status = await host.get('/api/qb-school/quickbooks/customers/status')
      for (let i = 0; i < 100 && status.body.data.job?.running; i++) {
        await new Promise((r) => setTimeout(r, 20))
        status = await host.get('/api/qb-school/quickbooks/customers/status')
      }
      expect(status.body.data.job.report).toMatchObject({ created: 3, failed: 0 })
      expect(status.body.data.counts).toEqual({
        applicant: { pending: 0, in_progress: 0, synced: 1, failed: 0 },
        student: { pending: 0, in_progress: 0, synced: 2, failed: 0 },
      })
      const retry = await fetch(`${host.base}/api/qb-school/quickbooks/customers/retry`, {
        method: 'POST',
        headers: { ...host.auth, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'student' }),
      })
      expect(retry.status).toBe(400)
      const none = await fetch(`${host.base}/api/qb-school/quickbooks/customers/retry`, {
        method: 'POST',
        headers: { ...host.auth, 'content-type': 'application/json' },
        body: '{}',
      })
      expect(await none.json()).toEqual({ success: true, data: { reset: 0 } })
      expect([...company.state.customers.values()].map((c) => c.DisplayName).sort()).toEqual([
        'Jean Uwase',
        'Jean Uwase (20261)',
        'Jean Uwase (R-2)',
      ])
    } finally {
      await host.close()
    }
  })

  it('answers 409 with reconsent when the tenant never connected', async () => {
    const host = await start()
    try {
      const analyze = await host.get('/api/qb-school/quickbooks/customers/preview')
      expect(analyze.status).toBe(409)
      expect(analyze.body.error).toMatchObject({ reason: 'Auth', reconsent: true })
      expect((await host.get('/api/other/quickbooks/customers/status')).status).toBe(404)
    } finally {
      await host.close()
    }
  })
})
