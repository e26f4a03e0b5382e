import type { PgStore } from '@edusync/store-pg'
import { createPgStore } from '@edusync/store-pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestHost } from './host.ts'
import { post, SECRETS, startHost, tenant } from './host.ts'
import { zohoStudent } from './zoho-fixtures.ts'

/**
 * The stated bound: while a maximal bulk request is in flight, small webhooks of another tenant are
 * answered with a p99 latency under 2 s. Generous on purpose (a shared 2-core machine; the test process
 * is also the client): before the fix, one such request held the event loop for its whole duration, and
 * 700,000 invalid records took ~13 s.
 */
const P99_BOUND_MS = 2_000
const MAX_RECORDS = 50_000 // the default MAX_RECORDS_PER_REQUEST

let pg: PgStore
let host: TestHost

beforeAll(async () => {
  pg = createPgStore({})
  host = await startHost({
    store: pg,
    tenants: { big: tenant(), small: tenant() },
    env: { LOG_LEVEL: 'warn' },
  })
}, 60_000)

afterAll(async () => {
  await host.close()
  await pg.close()
})

describe('fairness (issue 18)', () => {
  it(`keeps small webhooks under ${P99_BOUND_MS} ms p99 while a maximal all-INVALID bulk request runs`, async () => {
    // Warm up the webhook path (first-use compilation is not what this measures).
    const warm = await post(
      `${host.url}/webhooks/small/zoho/BTEC_Students`,
      { data: [zohoStudent({ id: '4876876000005500000' })] },
      { 'x-edusync-secret': SECRETS.zohoSecret },
    )
    expect(warm.status).toBe(200)

    // All INVALID is the worst case: no record reaches the Store, so nothing else would ever yield.
    const body = `[${'{},'.repeat(MAX_RECORDS - 1)}{}]`
    let bulkDone = false
    const bulk = post(`${host.url}/api/big/sync/student`, body, {
      authorization: `Bearer ${SECRETS.apiToken}`,
    }).finally(() => {
      bulkDone = true
    })

    const latencies: number[] = []
    for (let i = 1; !bulkDone; i++) {
      const started = performance.now()
      const reply = await post(
        `${host.url}/webhooks/small/zoho/BTEC_Students`,
        { data: [zohoStudent({ id: `48768760000055${String(i).padStart(5, '0')}` })] },
        { 'x-edusync-secret': SECRETS.zohoSecret },
      )
      if (!bulkDone) latencies.push(performance.now() - started)
      expect(reply.status).toBe(200)
    }
    const done = await bulk
    expect(done.status).toBe(200)
    expect(done.body.counts).toMatchObject({ total: MAX_RECORDS, invalid: MAX_RECORDS })

    latencies.sort((a, b) => a - b)
    const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? Infinity
    // Enough webhooks were answered *during* the bulk request to speak of a p99 at all.
    expect(latencies.length).toBeGreaterThanOrEqual(10)
    expect(p99).toBeLessThan(P99_BOUND_MS)
  }, 180_000)
})
