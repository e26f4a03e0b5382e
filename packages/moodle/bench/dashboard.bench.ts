/**
 * Benchmark suite `dashboard`: 10,000 registrations with their instalment schedules changed in Zoho (an
 * instalment paid), written through the sync engine into the pg Store, whose outbox records each change in
 * the push ledger in the same transaction, then pushed to a local mock of the school plugin (a real HTTP
 * server on loopback). Rows: `dashboard push requests` (calls made: one per changed record and function,
 * so 2 per registration), `dashboard pushes/s` (records pushed per second, ledger claims and completes
 * included), its same-run ceiling `dashboard raw posts/s` (the same payloads posted straight to the mock
 * through the same client, no ledger, no Store) and `dashboard pushes/s share`, and `dashboard rerun
 * requests` (a push with nothing changed: target 0). Writes bench/results/dashboard.json. Uses
 * DATABASE_URL when set; otherwise starts a throw-away server. Run: `pnpm bench dashboard`
 * (BENCH_REPS=1 for a quick look).
 */
import { createSyncEngine, runPush } from '@edusync/core'
import { createPgStore } from '@edusync/store-pg'
import type { BenchRow } from '../../core/bench/bench-report.ts'
import { median, printTable, writeResults } from '../../core/bench/bench-report.ts'
import { startPostgres } from '../../store-pg/test/pg-server.ts'
import { createFakeDashboardPlugin } from '../src/__fixtures__/fake-dashboard-plugin.ts'
import { TOKEN } from '../src/__fixtures__/fake-moodle.ts'
import { startPluginServer } from '../src/__fixtures__/plugin-server.ts'
import {
  createDashboardTarget,
  createMoodleClient,
  DASHBOARD_TARGET,
  dashboardOutboxTargets,
  installmentItems,
  registrationPayload,
} from '../src/index.ts'

const REGISTRATIONS = 10_000
const INSTALMENTS = 4
const BATCH = 1_000
const CONCURRENCY = 8
const REPS = Number(process.env.BENCH_REPS ?? 3)
const T = 'bench-school'

const sid = (n: number) => `48768760000044${String(n).padStart(5, '0')}`
const rid = (n: number) => `48768760000066${String(n).padStart(5, '0')}`

/** Registration `n` after `paid` instalments were paid. */
function registration(n: number, paid: number) {
  const instalment = 112_500
  return {
    id: rid(n),
    studentId: sid(n),
    programId: 'prg-1',
    registrationDate: '2026-09-01',
    status: 'active',
    programPrice: { minor: INSTALMENTS * instalment, currency: 'USD' },
    remainingAmount: { minor: (INSTALMENTS - paid) * instalment, currency: 'USD' },
    paymentSchedule: Array.from({ length: INSTALMENTS }, (_, i) => ({
      number: i + 1,
      dueDate: `2026-${String(10 + (i % 3)).padStart(2, '0')}-01`,
      amount: { minor: instalment, currency: 'USD' },
      status: i < paid ? 'Paid' : 'Pending',
      paidDate: i < paid ? '2026-09-15' : null,
    })),
  }
}

async function main() {
  const server = process.env.DATABASE_URL ? undefined : await startPostgres(['shared_buffers=256MB'])
  const plugin = createFakeDashboardPlugin()
  const mock = await startPluginServer(plugin)
  const store = createPgStore({
    connectionString: process.env.DATABASE_URL ?? server?.url ?? '',
    schema: `bench_dashboard_${Date.now()}`,
    poolSize: 4,
    outbox: { targets: dashboardOutboxTargets(() => true) },
  })
  const engine = createSyncEngine({ store })
  const client = createMoodleClient({
    url: mock.url,
    token: TOKEN,
    concurrency: CONCURRENCY,
    timeoutMs: 60_000,
  })
  const target = createDashboardTarget({ api: client.dashboard })
  const push = () =>
    runPush({ store, ledger: store.pushLedger, target, tenant: T, worker: 'bench', batchSize: 500 })
  const sync = async (entity: string, records: readonly unknown[]) => {
    for (let start = 0; start < records.length; start += BATCH) {
      const r = await engine.syncBatch({ tenant: T, entity, records: records.slice(start, start + BATCH) })
      if (r.isErr()) throw r.error
    }
  }
  try {
    // The school as it stands: every student and registration already on the dashboard.
    await sync('program', [{ id: 'prg-1', name: 'BTEC HND Computing' }])
    await sync(
      'student',
      Array.from({ length: REGISTRATIONS }, (_, n) => ({
        id: sid(n),
        firstName: `S${n}`,
        lastName: 'X',
        status: 'active',
      })),
    )
    await sync(
      'registration',
      Array.from({ length: REGISTRATIONS }, (_, n) => registration(n, 0)),
    )
    const initial = await push()
    if (initial.isErr()) throw initial.error

    const pushRates: number[] = []
    const rawRates: number[] = []
    const requests: number[] = []
    const reruns: number[] = []
    for (let rep = 0; rep < REPS; rep++) {
      // Zoho changes every registration: one more instalment paid (the rep's version).
      const changed = Array.from({ length: REGISTRATIONS }, (_, n) =>
        registration(n, 1 + (rep % INSTALMENTS)),
      )
      await sync('registration', changed)
      const before = plugin.calls.length
      const started = performance.now()
      const report = await push()
      const seconds = (performance.now() - started) / 1000
      if (report.isErr()) throw report.error
      const pushed = report.value.entities.registration?.pushed ?? 0
      if (pushed !== REGISTRATIONS || report.value.stoppedBy)
        throw new Error(`push: ${JSON.stringify(report.value)}`)
      requests.push(plugin.calls.length - before)
      pushRates.push(REGISTRATIONS / seconds)

      const rerunFrom = plugin.calls.length
      const rerun = await push()
      if (rerun.isErr()) throw rerun.error
      reruns.push(plugin.calls.length - rerunFrom)

      // The ceiling: the same payloads posted straight to the mock through the same client and cap.
      const payloads = changed.map((r) => ({
        registration: registrationPayload(r.id, r, {
          names: { program: new Map(), teacher: new Map(), unit: new Map() },
          moodleIds: new Map(),
        }),
        schedule: installmentItems(r),
        id: r.id,
      }))
      const rawStart = performance.now()
      const raw = await Promise.all(
        payloads.map((p) =>
          client.dashboard
            .createRegistration(p.registration)
            .andThen(() => client.dashboard.syncInstallments(p.id, p.schedule)),
        ),
      )
      const rawSeconds = (performance.now() - rawStart) / 1000
      if (raw.some((r) => r.isErr())) throw new Error('raw posts failed')
      rawRates.push(REGISTRATIONS / rawSeconds)
    }
    const counts = (await store.pushLedger.counts(T, DASHBOARD_TARGET))._unsafeUnwrap()
    if ((counts.get('registration')?.synced ?? 0) !== REGISTRATIONS) throw new Error('ledger not settled')
    const p = Math.round(median(pushRates))
    const r = Math.round(median(rawRates))
    const rows: BenchRow[] = [
      { name: 'dashboard push requests', unit: 'calls', value: Math.max(...requests) },
      { name: 'dashboard pushes/s', unit: 'records/s', value: p },
      { name: 'dashboard raw posts/s', unit: 'records/s', value: r },
      { name: 'dashboard pushes/s share', unit: 'ratio', value: Math.round((p / r) * 1000) / 1000 },
      { name: 'dashboard rerun requests', unit: 'calls', value: Math.max(...reruns) },
    ]
    printTable(rows)
    console.log(`wrote ${writeResults('dashboard', rows)}`)
  } finally {
    await store.close()
    await mock.close()
    await server?.stop()
  }
}

await main()
