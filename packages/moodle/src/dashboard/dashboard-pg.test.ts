import type { OutcomeCounts } from '@edusync/core'
import { createSyncEngine, runPush } from '@edusync/core'
import { delay, HttpResponse, http } from 'msw'
import { afterAll, describe, expect, it } from 'vitest'
import { freshSchemaName, storeFactory } from '../../../store-pg/test/fixtures.ts'
import { payment, program, registration, student } from '../__fixtures__/dashboard-world.ts'
import { createFakeDashboardPlugin } from '../__fixtures__/fake-dashboard-plugin.ts'
import { ENDPOINT, SITE_URL, TOKEN } from '../__fixtures__/fake-moodle.ts'
import { useMoodleServer } from '../__fixtures__/server.ts'
import { createMoodleClient } from '../client.ts'
import { createDashboardTarget, DASHBOARD_TARGET, dashboardOutboxTargets } from './dashboard-target.ts'

const server = useMoodleServer()
const stores = storeFactory('pg')
afterAll(() => stores.dispose())
const T = 'school-pg'
const N = 60

describe('dashboard push on real PostgreSQL', () => {
  it('two workers claiming from one ledger push every record exactly once', async () => {
    const plugin = createFakeDashboardPlugin()
    server.use(
      http.post(ENDPOINT, async ({ request }) => {
        const answer = plugin.handle(await request.text())
        await delay(2) // a real round trip, so the workers' batches overlap
        return new HttpResponse(answer.body, {
          status: answer.status,
          headers: { 'content-type': answer.contentType },
        })
      }),
    )
    const schema = freshSchemaName()
    const outbox = { targets: dashboardOutboxTargets(() => true) }
    // Two Stores with their own pools on one schema: two processes sharing the database.
    const a = await stores.create({ schema, outbox })
    const b = await stores.create({ schema, outbox, migrate: false })
    const engine = createSyncEngine({ store: a })
    const sync = async (entity: string, records: unknown[]) => {
      const counts: OutcomeCounts = (await engine.syncBatch({ tenant: T, entity, records }))._unsafeUnwrap()
        .counts
      expect(counts.new).toBe(records.length)
    }
    const ids = Array.from({ length: N }, (_, i) => String(i).padStart(3, '0'))
    await sync('program', [program()])
    await sync(
      'student',
      ids.map((i) => student(`s${i}`)),
    )
    await sync(
      'registration',
      ids.map((i) => registration(`r${i}`, `s${i}`)),
    )
    await sync(
      'payment',
      ids.map((i) => payment(`p${i}`, `r${i}`)),
    )

    const target = createDashboardTarget({
      api: createMoodleClient({ url: SITE_URL, token: TOKEN, concurrency: 4 }).dashboard,
    })
    const worker = (store: typeof a, name: string) =>
      runPush({ store, ledger: store.pushLedger, target, tenant: T, worker: name, batchSize: 7 })
    // Workers loop, as jobs do: a child held back because the other worker was still pushing its parent is
    // sent by a later round.
    for (let round = 0; round < 6; round++) {
      const [ra, rb] = await Promise.all([worker(a, 'worker-a'), worker(b, 'worker-b')])
      expect(ra.isOk() && rb.isOk()).toBe(true)
      const counts = (await a.pushLedger.counts(T, DASHBOARD_TARGET))._unsafeUnwrap()
      if ([...counts.values()].every((c) => c.synced > 0 && c.pending + c.failed + c.in_progress === 0)) break
    }
    const counts = (await a.pushLedger.counts(T, DASHBOARD_TARGET))._unsafeUnwrap()
    expect(Object.fromEntries(counts)).toEqual({
      student: { pending: 0, in_progress: 0, synced: N, failed: 0 },
      registration: { pending: 0, in_progress: 0, synced: N, failed: 0 },
      payment: { pending: 0, in_progress: 0, synced: N, failed: 0 },
    })
    // Nothing pushed twice: one call per record and function.
    const perKey = new Map<string, number>()
    for (const call of plugin.calls) {
      const key = `${call.wsfunction}:${
        Object.values(call.params)
          .find((v) => v.startsWith('{'))
          ?.match(/"zoho_(student|registration|payment)_id":"([^"]+)"/)?.[2] ??
        call.params.zoho_registration_id
      }`
      perKey.set(key, (perKey.get(key) ?? 0) + 1)
    }
    expect(perKey.size).toBe(4 * N)
    expect([...perKey.values()].every((n) => n === 1)).toBe(true)
    expect(plugin.tables.payments.size).toBe(N)
    const pushedBy = new Set(
      (await a.pushLedger.list(T, DASHBOARD_TARGET, 'student', { limit: N }))
        ._unsafeUnwrap()
        .map((e) => e.pushedBy),
    )
    expect(pushedBy).toEqual(new Set(['worker-a', 'worker-b']))
  })
})
