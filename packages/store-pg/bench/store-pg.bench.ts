/**
 * Benchmark suite `store-pg`: the Postgres Store through the public engine API, on a real PostgreSQL
 * server and on PGlite. Writes bench/results/store-pg.json at the repository root. Uses DATABASE_URL when
 * set; otherwise starts its own throw-away server (see test/pg-server.ts). Run: `pnpm bench store-pg`.
 *
 * Each rate sits next to the ceiling it is judged against, measured in this process on the same rows
 * right before it (a `<row> share` row, unit `ratio`, the median of the per-repetition ratios): the first
 * pass and the initial load against a raw COPY of the rows into PostgreSQL, the unchanged pass against
 * the engine's unchanged pass on the memory Store, PGlite's first pass against a raw multi-row INSERT of
 * the rows into the same PGlite (in memory and in a directory). The machine's load is recorded too.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import v8 from 'node:v8'
import type { Store } from '@edusync/core'
import { createMemoryStore, createSyncEngine } from '@edusync/core'
import type { PgliteLike, PgStore } from '../src/index.ts'
import { createPgStore } from '../src/index.ts'
import { startPostgres } from '../test/pg-server.ts'
import type { PgliteRaw } from './baselines.ts'
import { naivePerRecord, rawCopy, rawCopyPglite, rawInsertPglite } from './baselines.ts'
import { changed, programs, registration, registrations, students } from './workload.ts'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = join(HERE, '..', '..', '..')
// BENCH_RECORDS (a multiple of 10), BENCH_STREAM_RECORDS and BENCH_STREAM=0 (no 1M stream) shorten a
// run while iterating; BENCH_STREAM_BATCH sets the stream's batch size (default: the passes').
const N = Number(process.env.BENCH_RECORDS ?? 100_000)
// 2,000 keeps a batch's JSON document under PostgreSQL's default work_mem and the 1M stream's memory low.
const BATCH = 2_000
const REPS = Number(process.env.BENCH_REPS ?? 3)

interface Row {
  name: string
  unit: string
  value: number
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0
const ratio = (value: number) => Math.round(value * 1000) / 1000
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')

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

/** The engine's unchanged pass on the memory Store over the same rows: store-pg's unchanged ceiling. */
async function memoryUnchanged(fresh: readonly Record<string, unknown>[]) {
  const memory = createMemoryStore()
  await seed(memory, 'memory', 10_000)
  await timedStream(memory, 'memory', fresh, N)
  const r = await timedStream(memory, 'memory', fresh, N)
  if (r.counts.unchanged !== N) throw new Error(`memory unchanged pass: ${JSON.stringify(r.counts)}`)
  return r.rate
}

/** A same-run ceiling per pass, each measured right before that pass (`undefined`: none). */
interface Ceilings {
  readonly first?: () => Promise<number>
  readonly unchanged?: () => Promise<number>
}

/**
 * First pass, unchanged pass and 10% changed on one Store; medians over `reps` tenants, and the median
 * per-repetition share of each pass that has a ceiling.
 */
async function passes(store: Store, prefix: string, reps: number, ceilings: Ceilings = {}) {
  const fresh = Array.from({ length: N }, (_, n) => registration(n))
  const tenPercent = fresh.map((r, n) => (n % 10 === 0 ? changed(r) : r))
  const first: number[] = []
  const unchanged: number[] = []
  const tenth: number[] = []
  const firstCeiling: number[] = []
  const unchangedCeiling: number[] = []
  const firstShare: number[] = []
  const unchangedShare: number[] = []
  for (let rep = 0; rep < reps; rep++) {
    const tenant = `${prefix}-${rep}`
    await seed(store, tenant, 10_000)
    const ceilingA = await ceilings.first?.()
    const a = await timedStream(store, tenant, fresh, N)
    if (a.counts.new !== N) throw new Error(`first pass: ${JSON.stringify(a.counts)}`)
    const ceilingB = await ceilings.unchanged?.()
    const b = await timedStream(store, tenant, fresh, N)
    if (b.counts.unchanged !== N) throw new Error(`unchanged pass: ${JSON.stringify(b.counts)}`)
    const c = await timedStream(store, tenant, tenPercent, N)
    if (c.counts.updated !== N / 10) throw new Error(`10% changed: ${JSON.stringify(c.counts)}`)
    first.push(a.rate)
    unchanged.push(b.rate)
    tenth.push(c.rate)
    if (ceilingA !== undefined) {
      firstCeiling.push(ceilingA)
      firstShare.push(a.rate / ceilingA)
    }
    if (ceilingB !== undefined) {
      unchangedCeiling.push(ceilingB)
      unchangedShare.push(b.rate / ceilingB)
    }
    console.error(
      `${prefix} rep ${rep}: first ${a.rate}/s (ceiling ${ceilingA ?? '-'}), unchanged ${b.rate}/s (ceiling ${ceilingB ?? '-'}), 10% changed ${c.rate}/s; load ${load()}`,
    )
  }
  return {
    first: median(first),
    unchanged: median(unchanged),
    tenth: median(tenth),
    firstCeiling: median(firstCeiling),
    unchangedCeiling: median(unchangedCeiling),
    firstShare: ratio(median(firstShare)),
    unchangedShare: ratio(median(unchangedShare)),
  }
}

async function initialLoad(store: Store, reps: number, ceiling: () => Promise<number>) {
  const fresh = Array.from({ length: N }, (_, n) => registration(n))
  const rates: number[] = []
  const ceilings: number[] = []
  const shares: number[] = []
  for (let rep = 0; rep < reps; rep++) {
    const tenant = `initial-${rep}`
    await seed(store, tenant)
    const raw = await ceiling()
    const r = await timedStream(store, tenant, fresh, N)
    if (r.counts.new !== N) throw new Error(`initial load: ${JSON.stringify(r.counts)}`)
    rates.push(r.rate)
    ceilings.push(raw)
    shares.push(r.rate / raw)
    console.error(`initial load rep ${rep}: ${r.rate}/s (raw COPY ${raw}/s); load ${load()}`)
  }
  return { rate: median(rates), ceiling: median(ceilings), share: ratio(median(shares)) }
}

/** PGlite's passes and its raw-insert ceiling, on one PGlite instance (`dataDir` absent: in memory). */
async function pglite(label: string, dataDir?: string) {
  // Imported here so the 1M stream child does not load PGlite at all.
  const { PGlite } = await import('@electric-sql/pglite')
  const db = await PGlite.create(dataDir)
  const fresh = Array.from({ length: N }, (_, n) => registration(n))
  const lite = createPgStore({ pglite: db as unknown as PgliteLike, schema: 'bench_pglite' })
  const raw = db as unknown as PgliteRaw
  const result = await passes(lite, `pglite-${label}`, 1, {
    first: () => rawInsertPglite(raw, fresh, BATCH),
  })
  const copy = await rawCopyPglite(raw, fresh)
  await lite.close()
  await db.close()
  return { ...result, copy }
}

// The 1M stream runs in a child process so its peak RSS is its own, not this process's.
// Its parents are seeded by the parent process (as a nightly sync finds them already stored).
// "Flat in the input size": the RSS high-water mark after the first 100,000 records is reported next
// to the peak over all 1,000,000, sampled after every batch.
const STREAM = Number(process.env.BENCH_STREAM_RECORDS ?? 1_000_000)
// What the peak is made of (measured with v8.getHeapSpaceStatistics(), /proc/self/smaps and a GC trace):
// V8's young generation at its largest (128 MiB), old space, and ~80 MiB of Node's mapped code and
// malloc. Old space grows until V8's limit, which V8 sets after each major GC to 3-4 times the heap left
// live plus the young generation's capacity (64 MiB); what is left live is the loaded code (~13 MiB) and
// the batches in flight, so a smaller batch lowers the limit: live after a major GC 25-32 MiB at 2,000 per
// batch, 17-23 MiB at 500 (V8 promotes as much at either size). Measured peaks over 200,000 records at
// load 8-14: 2,000 per batch 321-332 MiB, 1,000 302-310, 500 280-285, at about 0.65 times the rate of
// 2,000 per batch (a batch's round trips and commit cost the same at any size). BENCH_STREAM_BATCH sets it.
const STREAM_BATCH = Number(process.env.BENCH_STREAM_BATCH ?? BATCH)
async function streamChild(url: string) {
  const store = createPgStore({ connectionString: url, schema: 'bench_stream' })
  const engine = createSyncEngine({ store })
  // What the process holds before the first record: Node, the TypeScript loader and the loaded code.
  const loaded = process.memoryUsage.rss()
  let peakAt100k = 0
  let peak = 0
  let atPeak = { newSpace: 0, oldSpace: 0 }
  const started = performance.now()
  const result = await engine.syncStream({
    tenant: 'stream',
    entity: 'registration',
    records: registrations(0, STREAM),
    batchSize: STREAM_BATCH,
    onProgress: ({ counts }) => {
      const rss = process.memoryUsage.rss()
      if (rss > peak) {
        // What the peak is made of: V8's young generation (sized by V8, not by this code) and old space.
        const spaces = v8.getHeapSpaceStatistics()
        const size = (name: string) => spaces.find((x) => x.space_name === name)?.space_size ?? 0
        atPeak = { newSpace: size('new_space'), oldSpace: size('old_space') }
      }
      peak = Math.max(peak, rss)
      if (counts.total <= STREAM / 10) peakAt100k = peak
    },
  })
  const seconds = (performance.now() - started) / 1000
  if (result.isErr()) throw result.error
  if (result.value.counts.new !== STREAM) throw new Error(`1M stream: ${JSON.stringify(result.value.counts)}`)
  await store.close()
  const maxRss = process.resourceUsage().maxRSS / 1024
  const mib = (bytes: number) => Math.round(bytes / 1024 / 1024)
  process.stdout.write(
    `${JSON.stringify({ peakMiB: Math.round(maxRss), loadedMiB: mib(loaded), peakAt100kMiB: mib(peakAt100k), sampledPeakMiB: mib(peak), newSpaceMiB: mib(atPeak.newSpace), oldSpaceMiB: mib(atPeak.oldSpace), rate: Math.round(STREAM / seconds) })}\n`,
  )
}

function streamPeak(url: string): {
  peakMiB: number
  loadedMiB: number
  peakAt100kMiB: number
  sampledPeakMiB: number
  newSpaceMiB: number
  oldSpaceMiB: number
  rate: number
} {
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
    const share = (name: string, value: number) => rows.push({ name: `${name} share`, unit: 'ratio', value })
    const fresh = Array.from({ length: N }, (_, n) => registration(n))
    const store: PgStore = createPgStore({ connectionString: url, schema: 'bench_store_pg' })
    const pg = await passes(store, 'tenant', REPS, {
      first: () => rawCopy(url, fresh),
      unchanged: () => memoryUnchanged(fresh),
    })
    rate('store-pg raw COPY (same rows)', pg.firstCeiling)
    rate('store-pg first pass', pg.first)
    share('store-pg first pass', pg.firstShare)
    rate('store-pg core unchanged pass (memory Store, same rows)', pg.unchangedCeiling)
    rate('store-pg unchanged pass', pg.unchanged)
    share('store-pg unchanged pass', pg.unchangedShare)
    rate('store-pg 10% changed', pg.tenth)
    const initial = await initialLoad(store, REPS, () => rawCopy(url, fresh))
    rate('store-pg initial load', initial.rate)
    share('store-pg initial load', initial.share)
    await store.close()

    if (process.env.BENCH_STREAM !== '0') {
      const streamStore = createPgStore({ connectionString: url, schema: 'bench_stream' })
      await seed(streamStore, 'stream')
      await streamStore.close()
      const stream = streamPeak(url)
      console.error(
        `1M stream (batches of ${STREAM_BATCH}): ${stream.rate}/s, peak RSS ${stream.peakMiB} MiB (${stream.loadedMiB} MiB before the first record; sampled after each batch: ${stream.peakAt100kMiB} MiB by 100k records, ${stream.sampledPeakMiB} MiB by 1M)`,
      )
      rows.push({ name: 'store-pg 1M stream peak RSS', unit: 'MiB', value: stream.peakMiB })
      rows.push({
        name: 'store-pg 1M stream RSS before the first record',
        unit: 'MiB',
        value: stream.loadedMiB,
      })
      rows.push({ name: 'store-pg 1M stream RSS by 100k records', unit: 'MiB', value: stream.peakAt100kMiB })
      rows.push({ name: 'store-pg 1M stream RSS by 1M records', unit: 'MiB', value: stream.sampledPeakMiB })
      rows.push({
        name: 'store-pg 1M stream V8 young generation at peak',
        unit: 'MiB',
        value: stream.newSpaceMiB,
      })
      rows.push({ name: 'store-pg 1M stream V8 old space at peak', unit: 'MiB', value: stream.oldSpaceMiB })
      rate('store-pg 1M stream', stream.rate)
    }

    rate('store-pg naive per-record', await naivePerRecord(url, fresh.slice(0, 5_000)))

    for (const where of ['memory', 'directory'] as const) {
      const dir = where === 'directory' ? mkdtempSync(join(tmpdir(), 'edusync-bench-pglite-')) : undefined
      try {
        const pl = await pglite(where, dir)
        rate(`pglite ${where} raw insert (same rows)`, pl.firstCeiling)
        rate(`pglite ${where} first pass`, pl.first)
        share(`pglite ${where} first pass`, pl.firstShare)
        rate(`pglite ${where} unchanged pass`, pl.unchanged)
        rate(`pglite ${where} 10% changed`, pl.tenth)
        rate(`pglite ${where} raw COPY (same rows, context)`, pl.copy)
      } finally {
        if (dir) rmSync(dir, { recursive: true, force: true })
      }
    }
    const [l1, l5, l15] = loadavg()
    rows.push({ name: 'store-pg load average 1m', unit: 'load', value: ratio(l1 ?? 0) })
    rows.push({ name: 'store-pg load average 5m', unit: 'load', value: ratio(l5 ?? 0) })
    rows.push({ name: 'store-pg load average 15m', unit: 'load', value: ratio(l15 ?? 0) })
    rows.push({ name: 'store-pg cores', unit: 'count', value: availableParallelism() })
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
