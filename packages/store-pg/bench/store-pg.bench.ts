/**
 * Benchmark suite `store-pg`: the Postgres Store through the public engine API, on a real PostgreSQL
 * server and on PGlite. Writes bench/results/store-pg.json at the repository root. Uses DATABASE_URL when
 * set; otherwise starts its own throw-away server (see test/pg-server.ts). Run: `pnpm bench`.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Store } from '@edusync/core'
import { createMemoryStore, createSyncEngine } from '@edusync/core'
import type { PgliteLike, PgStore } from '../src/index.ts'
import { createPgStore } from '../src/index.ts'
import { startPostgres } from '../test/pg-server.ts'
import { naivePerRecord, rawCopy } from './baselines.ts'
import { changed, programs, registration, registrations, students } from './workload.ts'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = join(HERE, '..', '..', '..')
const N = 100_000
// 2,000 keeps a batch's JSON document under PostgreSQL's default work_mem and the 1M stream's memory low.
const BATCH = 2_000
const REPS = Number(process.env.BENCH_REPS ?? 3)

interface Row {
  name: string
  unit: string
  value: number
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

/** Syncs `records` as one stream and returns records per second. */
async function timedStream(store: Store, tenant: string, records: Iterable<unknown>, count: number) {
  const engine = createSyncEngine({ store })
  const started = performance.now()
  const result = await engine.syncStream({ tenant, entity: 'registration', records, batchSize: BATCH })
  const seconds = (performance.now() - started) / 1000
  if (result.isErr()) throw result.error
  if (result.value.counts.total !== count) throw new Error(`expected ${count} outcomes`)
  return { rate: Math.round(count / seconds), counts: result.value.counts }
}

/** Seeds a tenant's programs and students (untimed), and optionally some registrations already. */
async function seed(store: Store, tenant: string, existingRegistrations = 0) {
  const engine = createSyncEngine({ store })
  const all = await engine.syncAll({ tenant, batches: { program: programs() } })
  if (all.isErr()) throw all.error
  for (const batch of [students()]) {
    const r = await engine.syncStream({ tenant, entity: 'student', records: batch, batchSize: BATCH })
    if (r.isErr()) throw r.error
  }
  if (existingRegistrations > 0) {
    const r = await engine.syncStream({
      tenant,
      entity: 'registration',
      records: registrations(10 * N, existingRegistrations),
      batchSize: BATCH,
    })
    if (r.isErr()) throw r.error
  }
}

/** First pass, unchanged pass and 10% changed on one Store; medians over `reps` tenants. */
async function passes(store: Store, prefix: string, reps: number) {
  const fresh = Array.from({ length: N }, (_, n) => registration(n))
  const tenPercent = fresh.map((r, n) => (n % 10 === 0 ? changed(r) : r))
  const first: number[] = []
  const unchanged: number[] = []
  const tenth: number[] = []
  for (let rep = 0; rep < reps; rep++) {
    const tenant = `${prefix}-${rep}`
    await seed(store, tenant, 10_000)
    const a = await timedStream(store, tenant, fresh, N)
    if (a.counts.new !== N) throw new Error(`first pass: ${JSON.stringify(a.counts)}`)
    const b = await timedStream(store, tenant, fresh, N)
    if (b.counts.unchanged !== N) throw new Error(`unchanged pass: ${JSON.stringify(b.counts)}`)
    const c = await timedStream(store, tenant, tenPercent, N)
    if (c.counts.updated !== N / 10) throw new Error(`10% changed: ${JSON.stringify(c.counts)}`)
    first.push(a.rate)
    unchanged.push(b.rate)
    tenth.push(c.rate)
    console.error(`${prefix} rep ${rep}: first ${a.rate}/s, unchanged ${b.rate}/s, 10% changed ${c.rate}/s`)
  }
  return { first: median(first), unchanged: median(unchanged), tenth: median(tenth) }
}

async function initialLoad(store: Store, reps: number) {
  const fresh = Array.from({ length: N }, (_, n) => registration(n))
  const rates: number[] = []
  for (let rep = 0; rep < reps; rep++) {
    const tenant = `initial-${rep}`
    await seed(store, tenant)
    const r = await timedStream(store, tenant, fresh, N)
    if (r.counts.new !== N) throw new Error(`initial load: ${JSON.stringify(r.counts)}`)
    rates.push(r.rate)
    console.error(`initial load rep ${rep}: ${r.rate}/s`)
  }
  return median(rates)
}

// The 1M stream runs in a child process so its peak RSS is its own, not this process's.
// Its parents are seeded by the parent process (as a nightly sync finds them already stored).
async function streamChild(url: string) {
  const store = createPgStore({ connectionString: url, schema: 'bench_stream' })
  const r = await timedStream(store, 'stream', registrations(0, 1_000_000), 1_000_000)
  await store.close()
  const peak = process.resourceUsage().maxRSS / 1024
  process.stdout.write(`${JSON.stringify({ peakMiB: Math.round(peak), rate: r.rate })}\n`)
}

function streamPeak(url: string): { peakMiB: number; rate: number } {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--stream-child', url],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    },
  )
  if (child.status !== 0) throw new Error(`1M stream child failed (${child.status})`)
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}')
}

async function main() {
  const server = process.env.DATABASE_URL ? undefined : await startPostgres(['shared_buffers=256MB'])
  const url = process.env.DATABASE_URL ?? server!.url
  const rows: Row[] = []
  const rate = (name: string, value: number) => rows.push({ name, unit: 'records/s', value })
  try {
    const store: PgStore = createPgStore({ connectionString: url, schema: 'bench_store_pg' })
    const pg = await passes(store, 'tenant', REPS)
    rate('store-pg first pass', pg.first)
    rate('store-pg unchanged pass', pg.unchanged)
    rate('store-pg 10% changed', pg.tenth)
    rate('store-pg initial load', await initialLoad(store, REPS))
    await store.close()

    const streamStore = createPgStore({ connectionString: url, schema: 'bench_stream' })
    await seed(streamStore, 'stream')
    await streamStore.close()
    const stream = streamPeak(url)
    console.error(`1M stream: ${stream.rate}/s, peak RSS ${stream.peakMiB} MiB`)
    rows.push({ name: 'store-pg 1M stream peak RSS', unit: 'MiB', value: stream.peakMiB })

    const fresh = Array.from({ length: N }, (_, n) => registration(n))
    rate('store-pg naive per-record', await naivePerRecord(url, fresh.slice(0, 5_000)))
    rate('store-pg raw COPY', await rawCopy(url, fresh))

    // Imported here so the 1M stream child does not load PGlite at all.
    const { PGlite } = await import('@electric-sql/pglite')
    const db = await PGlite.create()
    const lite = createPgStore({ pglite: db as unknown as PgliteLike, schema: 'bench_pglite' })
    const pl = await passes(lite, 'pglite', 1)
    rate('pglite first pass', pl.first)
    rate('pglite unchanged pass', pl.unchanged)
    rate('pglite 10% changed', pl.tenth)
    await lite.close()
    await db.close()

    // Context, not a result row: the engine's own ceiling on this machine right now (no database).
    const memory = await passes(createMemoryStore(), 'memory-store', 1)
    console.error(`engine alone (memory store): ${JSON.stringify(memory)} records/s`)
  } finally {
    server?.stop()
  }
  const out = join(ROOT, 'bench', 'results', 'store-pg.json')
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, `${JSON.stringify(rows, null, 2)}\n`)
  console.table(rows)
}

if (process.argv[2] === '--stream-child') await streamChild(process.argv[3] ?? '')
else await main()
