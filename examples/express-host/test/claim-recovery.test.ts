import { hash } from 'node:crypto'
import type { PgStore } from '@edusync/store-pg'
import { createPgStore } from '@edusync/store-pg'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { OutageSwitch } from './failing-store.ts'
import { switchableStore } from './failing-store.ts'
import type { TestHost } from './host.ts'
import { post, SECRETS, startHost, tenant } from './host.ts'
import { zohoStudent } from './zoho-fixtures.ts'

let pg: PgStore
let outage: OutageSwitch
let hostA: TestHost
let hostB: TestHost
const T = ['t-drop', 't-drop-other', 't-lease']

beforeAll(async () => {
  pg = createPgStore({})
  const switchable = switchableStore(pg)
  outage = switchable.state
  const tenants = Object.fromEntries(T.map((t) => [t, tenant()]))
  // A long lease: whatever frees a claim in these tests, it is not the lease running out.
  const env = { IDEMPOTENCY_LEASE_MS: '60000' }
  hostA = await startHost({ store: switchable.store, tenants, env })
  hostB = await startHost({ store: switchable.store, tenants, env })
}, 60_000)

afterAll(async () => {
  await hostA.close()
  await hostB.close()
  await pg.close()
})

const url = (host: TestHost, t: string) => `${host.url}/webhooks/${t}/zoho/BTEC_Students`
const headers = (key: string) => ({ 'x-edusync-secret': SECRETS.zohoSecret, 'idempotency-key': key })
const body = (id: string) => ({ data: [zohoStudent({ id, Program: null })] })

// Issue 8, item 5: after the database dropped between a delivery's claim and its release, the sender's
// retries got 409 InProgress for the whole lease (and a sender that treats a 4xx as final dropped it).
describe('Zoho webhooks: the database drops between the idempotency claim and its release', () => {
  it('answers 503, then processes the retry sent the moment the database is back', async () => {
    outage.dropAfter = 'claimIdempotencyKey'
    const failed = await post(url(hostA, 't-drop'), body('4876876000004400101'), headers('drop-1'))
    expect([failed.status, failed.headers.get('retry-after'), failed.body.error.reason]).toEqual([
      503,
      '5',
      'Unavailable',
    ])
    expect(outage.down).toBe(true)
    outage.down = false

    const retry = await post(url(hostA, 't-drop'), body('4876876000004400101'), headers('drop-1'))
    expect([retry.status, retry.body.outcomes[0]?.status]).toEqual([200, 'NEW'])
    const again = await post(url(hostA, 't-drop'), body('4876876000004400101'), headers('drop-1'))
    expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([200, 'true'])
    expect((await pg.countRecords('t-drop', 'student'))._unsafeUnwrap()).toBe(1)
    expect(hostA.logs.join('')).toContain('"msg":"idempotency claim not settled; retrying"')
    expect(hostA.logs.join('')).toContain('"msg":"idempotency claim settled after a retry"')
  })

  it('lets another host process the retry within moments of recovery, not after the lease', async () => {
    outage.dropAfter = 'claimIdempotencyKey'
    const failed = await post(url(hostA, 't-drop-other'), body('4876876000004400102'), headers('drop-2'))
    expect(failed.status).toBe(503)
    outage.down = false

    // The failed host releases the claim in the background as soon as the Store answers; until then the
    // other host sees a claim that is still held (409 with what is left of the 60 s lease).
    const statuses: number[] = []
    await vi.waitFor(
      async () => {
        const retry = await post(url(hostB, 't-drop-other'), body('4876876000004400102'), headers('drop-2'))
        statuses.push(retry.status)
        if (retry.status === 409) expect(Number(retry.headers.get('retry-after'))).toBeGreaterThan(50)
        expect([retry.status, retry.body.outcomes?.[0]?.status]).toEqual([200, 'NEW'])
      },
      { timeout: 10_000, interval: 100 },
    )
    expect(statuses.at(-1)).toBe(200)
    expect((await pg.countRecords('t-drop-other', 'student'))._unsafeUnwrap()).toBe(1)
  })

  it('answers a delivery whose key another host holds 409 with Retry-After set to what is left of its lease', async () => {
    const raw = JSON.stringify(body('4876876000004400103'))
    const held = await pg.claimIdempotencyKey('t-lease', {
      key: 'zoho:key:lease-1',
      requestFingerprint: hash('sha256', raw),
      leaseMs: 45_000,
      ttlMs: 60_000,
    })
    expect(held._unsafeUnwrap().status).toBe('claimed')
    const busy = await post(url(hostA, 't-lease'), raw, headers('lease-1'))
    expect([busy.status, busy.headers.get('retry-after'), busy.body.error.reason]).toEqual([
      409,
      '45',
      'InProgress',
    ])
  })
})
