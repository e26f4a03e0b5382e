// A school for dashboard tests: a memory Store whose outbox tracks the dashboard target, the engine that
// writes into it, the fake plugin behind msw, and canonical records.
import type { PushLedger, Store, SyncEngine } from '@edusync/core'
import { createMemoryPushLedger, createMemoryStore, createSyncEngine, runPush } from '@edusync/core'
import { delay, HttpResponse, http } from 'msw'
import type { SetupServer } from 'msw/node'
import { createMoodleClient } from '../client.ts'
import type { MoodleConfig } from '../config.ts'
import { createDashboardTarget, dashboardOutboxTargets } from '../dashboard/dashboard-target.ts'
import { createFakeDashboardPlugin } from './fake-dashboard-plugin.ts'
import { ENDPOINT, SITE_URL, TOKEN } from './fake-moodle.ts'

export const T = 'school-a'
export const clock = { now: new Date('2026-12-01T09:00:00.000Z') }
export const advance = (ms: number) => {
  clock.now = new Date(clock.now.getTime() + ms)
}

/** The world: Store + ledger + engine + plugin behind msw + target. */
export function dashboardWorld(server: SetupServer, config: Partial<MoodleConfig> = {}) {
  const plugin = createFakeDashboardPlugin()
  // Set by a test: answers of these functions are held this long after the plugin committed.
  const stall = new Map<string, number>()
  server.use(
    http.post(ENDPOINT, async ({ request }) => {
      const body = await request.text()
      const answer = plugin.handle(body)
      const wait = stall.get(new URLSearchParams(body).get('wsfunction') ?? '')
      if (wait !== undefined) {
        stall.delete(new URLSearchParams(body).get('wsfunction') ?? '')
        await delay(wait)
      }
      return new HttpResponse(answer.body, {
        status: answer.status,
        headers: { 'content-type': answer.contentType },
      })
    }),
  )
  const ledger: PushLedger = createMemoryPushLedger()
  const store: Store = createMemoryStore({ outbox: { ledger, targets: dashboardOutboxTargets(() => true) } })
  const engine: SyncEngine = createSyncEngine({ store })
  const client = createMoodleClient({
    url: SITE_URL,
    token: TOKEN,
    retry: { limit: 2, baseDelayMs: 1, maxDelayMs: 2 },
    ...config,
  })
  const target = createDashboardTarget({ api: client.dashboard })
  const push = async (worker = 'w1', extra: { only?: string[] } = {}) =>
    (
      await runPush({
        store,
        ledger,
        target,
        tenant: T,
        worker,
        now: () => clock.now,
        backoff: { baseMs: 1000, maxMs: 60_000, jitter: 0, maxAttempts: 3 },
        ...extra,
      })
    )._unsafeUnwrap()
  const sync = async (entity: string, records: unknown[]) => {
    const result = await engine.syncBatch({ tenant: T, entity, records })
    return result._unsafeUnwrap()
  }
  return { plugin, stall, ledger, store, engine, client, target, push, sync }
}

export const program = (id = 'prg-1') => ({ id, name: 'BTEC HND Computing', status: 'Active' })
export const student = (id: string, firstName = 'Ada') => ({
  id,
  code: `A01${id}`,
  firstName,
  lastName: 'Lovelace',
  email: `${id}@mail.test`,
  status: 'active',
})
export const registration = (id: string, studentId: string, remaining = 100_000, instalments = 2) => ({
  id,
  studentId,
  programId: 'prg-1',
  registrationDate: '2026-09-01',
  status: 'active',
  programPrice: { minor: 450_000, currency: 'USD' },
  remainingAmount: { minor: remaining, currency: 'USD' },
  paymentSchedule: Array.from({ length: instalments }, (_, i) => ({
    number: i + 1,
    dueDate: `2026-1${i}-01`,
    amount: { minor: 225_000, currency: 'USD' },
    status: i === 0 ? 'Paid' : 'Pending',
    paidDate: i === 0 ? '2026-09-02' : null,
  })),
})
export const payment = (id: string, registrationId: string, minor = 150_050) => ({
  id,
  registrationId,
  amount: { minor, currency: 'USD' },
  paymentDate: '2026-09-02',
  method: 'Bank transfer',
})
