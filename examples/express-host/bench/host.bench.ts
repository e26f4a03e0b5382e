/**
 * Suite `host`: the express host on a real PostgreSQL, loaded over loopback with real-shaped Zoho webhooks,
 * each row next to a ceiling measured in the same run on the same bodies:
 * - `host single webhooks` (req/s, one-record bodies, 16 concurrent senders) against
 *   `host single webhooks ceiling`, a bare Express 5 route (`bare-express.ts`: reads the body, answers
 *   200) in its own process; the two are measured in alternating rounds so machine noise falls on both.
 * - `host batch records` (records/s, 200-record `{"data":[...]}` bodies) against
 *   `host batch records ceiling`: the same records read by the Zoho reader and synced with
 *   `engine.syncBatch` on a PgStore in this process, 200 at a time, 16 at once (no HTTP, no idempotency).
 * - `<row> share` (ratio) for both, `host p99 latency` (ms, single webhooks), `host lost or duplicated`
 *   (sent vs stored, must be 0) and `host machine load` (the 1-minute load average when the run began).
 * - Context for the single-webhook share, independent of the machine's load: CPU microseconds per request
 *   of the host, its sender, PostgreSQL (every process of the local server) and the bare route with its
 *   sender, read from /proc around each round; `host single webhooks CPU-bound share (context)`, the share
 *   those costs allow on a machine bound by CPU alone; `host claim commit round trip p50` (one claim
 *   statement alone, waited for) and `host claim group of 16 round trip p50` (one group claim).
 * Writes bench/results/host.json through the shared report helper.
 *
 * Runs under `scripts/with-postgres.sh` by itself when DATABASE_URL is absent. The host runs as a child
 * process (`src/main.ts`, LOG_LEVEL=info, logs drained), as in production. `HOST_BENCH_PROFILE=1` starts
 * it with `--cpu-prof` (profiles in bench/results/profiles).
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createSyncEngine } from '@edusync/core'
import { createPgStore } from '@edusync/store-pg'
import { createZohoReader } from '@edusync/zoho'
import type { BenchRow } from '../../../packages/core/bench/bench-report.ts'
import { printTable, writeResults } from '../../../packages/core/bench/bench-report.ts'
import { ownCpuMs, postgresCpuMs, processCpuMs } from './cpu-time.ts'
import { createPoster, percentile, runLoad } from './load.ts'

const here = dirname(fileURLToPath(import.meta.url))
const hostDir = join(here, '..')
const repoRoot = join(hostDir, '..', '..')

const SINGLE = Number(process.env.HOST_BENCH_SINGLE ?? 20_000)
const BATCHES = Number(process.env.HOST_BENCH_BATCHES ?? 500)
const BATCH_SIZE = 200
const CONCURRENCY = 16
const ROUNDS = 4
const MAX_MS = 90_000
const SECRET = 'bench-zoho-shared-secret'

if (!process.env.DATABASE_URL) {
  const result = spawnSync(
    'bash',
    [
      join(repoRoot, 'scripts', 'with-postgres.sh'),
      process.execPath,
      ...process.execArgv,
      fileURLToPath(import.meta.url),
    ],
    {
      stdio: 'inherit',
      cwd: repoRoot,
    },
  )
  process.exit(result.status ?? 1)
}

const databaseUrl = process.env.DATABASE_URL
const tenant = `bench-${Date.now().toString(36)}`

function student(id: string, i: number) {
  return {
    id,
    Name: `A${String(i).padStart(8, '0')}C`,
    First_Name: 'Ayşe',
    Last_Name: `Yılmaz ${i}`,
    Email: `student${i}@example.com`,
    Phone_Number: '+90 532 000 00 00',
    Birth_Date: '2004-03-09',
    Gender: 'Female',
    Status: 'Active',
    Study_Mode: 'Online',
    Currency: 'USD',
    Modified_Time: '2026-01-12T09:00:00+03:00',
    Owner: { name: 'Registrar', id: '4876876000000300001', email: 'registrar@example.edu' },
    $approval: { delegate: false, approve: false, reject: false, resubmit: false },
    $state: 'save',
  }
}

const idOf = (prefix: number, i: number) => `48768760${prefix}${String(i).padStart(9, '0')}`

/** Starts a script of this package as a child process and resolves once it logs `listening`. */
async function startProcess(
  script: string,
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [...nodeArgs, ...process.execArgv, join(hostDir, script)], {
    cwd: hostDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = ''
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString()
      const match = /"msg":"listening","url":"([^"]+)"/.exec(buffer)
      if (match?.[1]) {
        resolve(match[1])
        buffer = ''
      } else if (buffer.length > 100_000) buffer = buffer.slice(-10_000)
    })
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)))
  })
  return {
    url,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

function startHost() {
  const profileDir = join(repoRoot, 'bench', 'results', 'profiles')
  const profile = process.env.HOST_BENCH_PROFILE === '1'
  if (profile) mkdirSync(profileDir, { recursive: true })
  return startProcess(
    'src/main.ts',
    {
      PORT: '0',
      DATABASE_URL: databaseUrl as string,
      DATABASE_POOL_SIZE: '16',
      LOG_LEVEL: 'info',
      EDUSYNC_TENANTS: JSON.stringify({ [tenant]: { zohoSecret: SECRET, defaultCurrency: 'USD' } }),
    },
    profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  )
}

/** Throughput of `runs` summed (requests or records per second over their total time). */
const rate = (runs: readonly { done: number; elapsedMs: number }[], per = 1) =>
  Math.round(
    (runs.reduce((a, r) => a + r.done, 0) * per) / (runs.reduce((a, r) => a + r.elapsedMs, 0) / 1000),
  )

async function main() {
  const load = loadavg()
  console.log(`machine load at start: ${load.map((l) => l.toFixed(2)).join(' ')} (1, 5, 15 min)`)
  const host = await startHost()
  const bare = await startProcess('bench/bare-express.ts', {})
  const poster = createPoster(host.url, CONCURRENCY)
  const barePoster = createPoster(bare.url, CONCURRENCY)
  const path = `/webhooks/${tenant}/zoho/BTEC_Students`
  const headers = { 'x-edusync-secret': SECRET }
  const newCount = new Map<string, number>()
  const note = (body: string) => {
    for (const o of (JSON.parse(body) as { outcomes: { status: string; id: string }[] }).outcomes) {
      if (o.status === 'NEW') newCount.set(o.id, (newCount.get(o.id) ?? 0) + 1)
    }
  }

  // Warm-up of both (JIT, pool connections, plans): not measured, not counted.
  const warmup = 500
  await runLoad(warmup, CONCURRENCY, MAX_MS, (i) =>
    poster.post(path, JSON.stringify({ data: [student(idOf(9, i), i)] }), headers),
  )
  await runLoad(warmup, CONCURRENCY, MAX_MS, (i) =>
    barePoster.post(path, JSON.stringify({ data: [student(idOf(9, i), i)] }), headers),
  )

  // Alternating rounds: bare, host, bare, host... so a noisy neighbour weighs on both alike. The CPU time
  // each process spends in its rounds is summed: what one request costs, whatever the machine's load.
  const singles: Awaited<ReturnType<typeof runLoad>>[] = []
  const bares: Awaited<ReturnType<typeof runLoad>>[] = []
  const cpu = { host: 0, hostSender: 0, postgres: 0, bare: 0, bareSender: 0 }
  const pgData = process.env.EDUSYNC_PG_DATA
  const perRound = Math.ceil(SINGLE / ROUNDS)
  let sentSingle = 0
  for (let round = 0; round < ROUNDS; round++) {
    const bareBefore = { bare: processCpuMs(bare.pid), sender: ownCpuMs() }
    bares.push(
      await runLoad(perRound, CONCURRENCY, MAX_MS / ROUNDS, (i) =>
        barePoster.post(path, JSON.stringify({ data: [student(idOf(1, i), i)] }), headers),
      ),
    )
    cpu.bare += processCpuMs(bare.pid) - bareBefore.bare
    cpu.bareSender += ownCpuMs() - bareBefore.sender
    const offset = sentSingle
    const before = { host: processCpuMs(host.pid), sender: ownCpuMs(), postgres: postgresCpuMs(pgData) ?? 0 }
    const single = await runLoad(perRound, CONCURRENCY, MAX_MS / ROUNDS, async (i) => {
      const r = await poster.post(
        path,
        JSON.stringify({ data: [student(idOf(1, offset + i), offset + i)] }),
        headers,
      )
      if (r.status === 200) note(r.body)
      return r
    })
    cpu.host += processCpuMs(host.pid) - before.host
    cpu.hostSender += ownCpuMs() - before.sender
    cpu.postgres += (postgresCpuMs(pgData) ?? 0) - before.postgres
    sentSingle += single.done
    singles.push(single)
  }
  barePoster.close()
  await bare.stop()

  const batch = await runLoad(BATCHES, CONCURRENCY, MAX_MS, async (b) => {
    const records = Array.from({ length: BATCH_SIZE }, (_, k) =>
      student(idOf(2, b * BATCH_SIZE + k), b * BATCH_SIZE + k),
    )
    const r = await poster.post(path, JSON.stringify({ data: records }), headers)
    if (r.status === 200) note(r.body)
    return r
  })
  poster.close()
  await host.stop()

  // What was sent vs what is stored: every id present with the data sent, and reported NEW exactly once.
  const sent = [
    ...Array.from({ length: sentSingle }, (_, i) => idOf(1, i)),
    ...Array.from({ length: batch.done * BATCH_SIZE }, (_, i) => idOf(2, i)),
  ]
  const store = createPgStore({ connectionString: databaseUrl, migrate: false, poolSize: CONCURRENCY })
  let lost = 0
  for (let i = 0; i < sent.length; i += 5000) {
    const ids = sent.slice(i, i + 5000)
    const found = (await store.readRecords(tenant, 'student', ids))._unsafeUnwrap()
    for (const id of ids) {
      const n = Number(id.slice(-9))
      if (found.get(id)?.data.lastName !== `Yılmaz ${n}`) lost++
    }
  }
  const stored = (await store.countRecords(tenant, 'student'))._unsafeUnwrap()
  const duplicated =
    Math.abs(stored - warmup - sent.length) +
    [...newCount.values()].filter((n) => n !== 1).length +
    (sent.length - newCount.size)

  // The batch ceiling: the same records, read and synced in this process (another tenant, same database).
  const engine = createSyncEngine({ store })
  const read = createZohoReader('student')
  const ceilingTenant = `${tenant}-ceiling`
  const ceiling = await runLoad(batch.done, CONCURRENCY, MAX_MS, async (b) => {
    const started = performance.now()
    const records = Array.from({ length: BATCH_SIZE }, (_, k) =>
      read(student(idOf(2, b * BATCH_SIZE + k), b * BATCH_SIZE + k))._unsafeUnwrap(),
    )
    const r = await engine.syncBatch({ tenant: ceilingTenant, entity: 'student', records })
    const ok = r.isOk() && r.value.counts.new === BATCH_SIZE
    return {
      status: ok ? 200 : 500,
      body: ok ? '' : String(r.isErr() ? r.error : 'not all NEW'),
      ms: performance.now() - started,
    }
  })

  // The commit round trip: one idempotency claim (one single-row INSERT and its commit, flushed to the
  // WAL), sent alone and waited for, as a webhook alone must before it answers; then a group of 16 keys in
  // one statement, as concurrent webhooks share it.
  const commitTenant = `${tenant}-commit`
  const claimOnce = async (i: number) => {
    const started = performance.now()
    await store.claimIdempotencyKey(commitTenant, {
      key: `commit-${i}`,
      requestFingerprint: 'f',
      leaseMs: 5_000,
      ttlMs: 60_000,
    })
    return performance.now() - started
  }
  const commitMs: number[] = []
  for (let i = 0; i < 300; i++) commitMs.push(await claimOnce(i))
  const groupMs: number[] = []
  for (let g = 0; g < 100; g++) {
    const started = performance.now()
    await store.claimIdempotencyKeys(
      commitTenant,
      Array.from({ length: CONCURRENCY }, (_, k) => ({
        key: `group-${g}-${k}`,
        requestFingerprint: 'f',
        leaseMs: 5_000,
        ttlMs: 60_000,
      })),
    )
    groupMs.push(performance.now() - started)
  }
  await store.close()

  const single = { done: sentSingle, latencies: singles.flatMap((r) => r.latencies) }
  const singleRate = rate(singles)
  const bareRate = rate(bares)
  const batchRate = rate([batch], BATCH_SIZE)
  const ceilingRate = rate([ceiling], BATCH_SIZE)
  const failures = [...singles.flatMap((r) => r.failures), ...batch.failures, ...ceiling.failures]
  const rows: BenchRow[] = [
    { name: 'host single webhooks', unit: 'req/s', value: singleRate },
    { name: 'host single webhooks ceiling', unit: 'req/s', value: bareRate },
    { name: 'host single webhooks share', unit: 'ratio', value: Number((singleRate / bareRate).toFixed(3)) },
    { name: 'host batch records', unit: 'records/s', value: batchRate },
    { name: 'host batch records ceiling', unit: 'records/s', value: ceilingRate },
    { name: 'host batch records share', unit: 'ratio', value: Number((batchRate / ceilingRate).toFixed(3)) },
    { name: 'host p99 latency', unit: 'ms', value: Number(percentile(single.latencies, 99).toFixed(1)) },
    { name: 'host lost or duplicated', unit: 'count', value: lost + duplicated + failures.length },
    { name: 'host machine load', unit: 'load (1 min)', value: Number((load[0] ?? 0).toFixed(2)) },
    // Context for the share (not targets): what one single webhook costs each process, in CPU time.
    ...perRequestCpu(
      cpu,
      sentSingle,
      bares.reduce((a, r) => a + r.done, 0),
      pgData !== undefined,
    ),
    { name: 'host claim commit round trip p50', unit: 'ms', value: round2(percentile(commitMs, 50)) },
    { name: 'host claim group of 16 round trip p50', unit: 'ms', value: round2(percentile(groupMs, 50)) },
  ]
  writeResults('host', rows)
  printTable(rows)
  console.log(
    `(single: ${single.done} requests in ${ROUNDS} rounds, p50 ${percentile(single.latencies, 50).toFixed(1)} ms, ` +
      `${singles.reduce((a, r) => a + r.retries, 0)} retries; bare route: p50 ${percentile(
        bares.flatMap((r) => r.latencies),
        50,
      ).toFixed(
        1,
      )} ms; batch: ${batch.done} x ${BATCH_SIZE}, p99 ${percentile(batch.latencies, 99).toFixed(0)} ms, ` +
      `${batch.retries} retries; lost ${lost}, duplicated ${duplicated}; load at end ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')})`,
  )
  for (const f of failures.slice(0, 5)) console.log(f)
}

const round2 = (n: number) => Number(n.toFixed(2))

/** CPU microseconds per single webhook for each process, and the share they allow on a CPU-bound machine. */
function perRequestCpu(
  cpu: { host: number; hostSender: number; postgres: number; bare: number; bareSender: number },
  hostRequests: number,
  bareRequests: number,
  localPostgres: boolean,
): BenchRow[] {
  const us = (ms: number, n: number) => Math.round((ms * 1000) / Math.max(1, n))
  const host = us(cpu.host, hostRequests)
  const postgres = us(cpu.postgres, hostRequests)
  const hostSender = us(cpu.hostSender, hostRequests)
  const bare = us(cpu.bare, bareRequests)
  const bareSender = us(cpu.bareSender, bareRequests)
  const rows: BenchRow[] = [
    { name: 'host single webhook CPU per request, host', unit: 'us', value: host },
    { name: 'host single webhook CPU per request, sender', unit: 'us', value: hostSender },
    { name: 'host single webhooks ceiling CPU per request, bare route', unit: 'us', value: bare },
    { name: 'host single webhooks ceiling CPU per request, sender', unit: 'us', value: bareSender },
  ]
  if (!localPostgres) return rows
  return [
    ...rows,
    { name: 'host single webhook CPU per request, PostgreSQL', unit: 'us', value: postgres },
    {
      // Were the machine bound by CPU alone, this is the share its cores would allow: the bare route's
      // CPU per request (with its sender's) over the host's (with its sender's and PostgreSQL's).
      name: 'host single webhooks CPU-bound share (context)',
      unit: 'ratio',
      value: Number(((bare + bareSender) / Math.max(1, host + postgres + hostSender)).toFixed(3)),
    },
  ]
}

await main()
