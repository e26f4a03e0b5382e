import { createMemoryPushLedger, createMemoryStore, createMemoryTokenStore } from '@edusync/core'
import type { CustomerSubject } from '@edusync/quickbooks'
import { createMockQuickBooks, REALM } from '@edusync/quickbooks/testing'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.ts'
import type { RequestContext } from '../src/context.ts'
import { createLogger } from '../src/logging.ts'
import { createQuickBooksHost } from '../src/quickbooks/quickbooks-host.ts'
import { createHost } from '../src/wiring.ts'
import { SECRETS, tenant } from './host.ts'
import { useIntuit } from './intuit.ts'

// QuickBooks and Intuit's token endpoint are mocked at the HTTP boundary; the route table is real.
const company = createMockQuickBooks()
useIntuit(() => company)

describe('the route table at shutdown', () => {
  it('stopBackground stops a running QuickBooks customer sync between chunks and resolves once it stopped', async () => {
    const tokenStore = createMemoryTokenStore()
    await tokenStore.replace('qb-school', `quickbooks:${REALM}`, {
      accessToken: 'at-0',
      refreshToken: 'rt-0',
      accessTokenExpiresAt: Date.now() + 3_600_000,
      refreshTokenExpiresAt: Date.now() + 8_726_400_000,
      attributes: { realmId: REALM },
    })
    let release = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    const people: CustomerSubject[] = [{ kind: 'student', id: 'STU-1', firstName: 'Jean', lastName: 'Uwase' }]
    const host = createHost(
      {
        config: loadConfig({
          NODE_ENV: 'test',
          EDUSYNC_TENANTS: JSON.stringify({ 'qb-school': tenant() }),
          LOG_LEVEL: 'error',
        }),
        store: createMemoryStore(),
        logger: createLogger('error', () => {}),
        quickbooks: createQuickBooksHost({
          app: { clientId: 'ABclient', clientSecret: 'secret', redirectUri: 'https://host.example/cb' },
          realms: { 'qb-school': REALM },
          tokenStore,
          ledger: createMemoryPushLedger(),
          // The source is held until the host is stopping, so the sync is caught mid-run.
          subjects: async function* () {
            await held
            yield* people
          },
        }),
      },
      { shuttingDown: false },
    )
    const route = (method: string, path: string) => {
      const found = host.routes.find((r) => r.method === method && r.path === path)
      if (!found) throw new Error(`no route ${method} ${path}`)
      return (init: RequestInit = {}) => {
        const context: RequestContext = {
          requestId: 'r-1',
          log: createLogger('error', () => {}),
          params: { tenant: 'qb-school' },
        }
        return found.handler(
          new Request(`http://localhost${path}`, {
            method,
            headers: { authorization: `Bearer ${SECRETS.apiToken}`, 'content-type': 'application/json' },
            ...init,
          }),
          context,
        )
      }
    }
    const sync = route('POST', '/api/:tenant/quickbooks/customers/sync')
    const status = route('GET', '/api/:tenant/quickbooks/customers/status')
    expect((await sync({ body: '{}' })).status).toBe(202)
    const stopped = host.stopBackground()
    release()
    await stopped
    const job = ((await (await status()).json()) as { data: { job: Record<string, unknown> } }).data.job
    expect(job).toMatchObject({ running: false, report: { cancelled: true, created: 0 } })
    expect(company.state.customers.size).toBe(0)
  })
})
