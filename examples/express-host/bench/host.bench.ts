/**
 * Suite `host`: the express host on a real PostgreSQL, loaded over loopback with real-shaped Zoho webhooks.
 * Rows: `host single webhooks` (req/s, 16 concurrent senders), `host batch records` (records/s,
 * 200-record `{"data":[...]}` bodies), `host p99 latency` (ms, single webhooks at 16 senders), and
 * `host lost or duplicated` (sent vs stored, must be 0). Writes bench/results/host.json at the repo root.
 *
 * Runs under `scripts/with-postgres.sh` by itself when DATABASE_URL is absent. The host runs as a child
 * process (`src/main.ts`, LOG_LEVEL=info, logs drained), as in production.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createPgStore } from '@edusync/store-pg'
import { createPoster, percentile, runLoad } from './load.ts'

const here = dirname(fileURLToPath(import.meta.url))
const hostDir = join(here, '..')
const repoRoot = join(hostDir, '..', '..')

const SINGLE = Number(process.env.HOST_BENCH_SINGLE ?? 20_000)
const BATCHES = Number(process.env.HOST_BENCH_BATCHES ?? 500)
const BATCH_SIZE = 200
const CONCURRENCY = 16
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

async function startHost(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [...process.execArgv, join(hostDir, 'src', 'main.ts')], {
    cwd: hostDir,
    env: {
      ...process.env,
      PORT: '0',
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '16',
      LOG_LEVEL: 'info',
      EDUSYNC_TENANTS: JSON.stringify({ [tenant]: { zohoSecret: SECRET, defaultCurrency: 'USD' } }),
    },
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
    child.once('exit', (code) => reject(new Error(`host exited with ${code}`)))
  })
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

async function main() {
  const host = await startHost()
  const poster = createPoster(host.url, CONCURRENCY)
  const path = `/webhooks/${tenant}/zoho/BTEC_Students`
  const headers = { 'x-edusync-secret': SECRET }
  const newCount = new Map<string, number>()
  const note = (body: string) => {
    for (const o of (JSON.parse(body) as { outcomes: { status: string; id: string }[] }).outcomes) {
      if (o.status === 'NEW') newCount.set(o.id, (newCount.get(o.id) ?? 0) + 1)
    }
  }

  // Warm-up (JIT, pool connections, plans): not measured, not counted.
  await runLoad(500, CONCURRENCY, MAX_MS, (i) =>
    poster.post(path, JSON.stringify({ data: [student(idOf(9, i), i)] }), headers),
  )

  const single = await runLoad(SINGLE, CONCURRENCY, MAX_MS, async (i) => {
    const r = await poster.post(path, JSON.stringify({ data: [student(idOf(1, i), i)] }), headers)
    if (r.status === 200) note(r.body)
    return r
  })
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
    ...Array.from({ length: single.done }, (_, i) => idOf(1, i)),
    ...Array.from({ length: batch.done * BATCH_SIZE }, (_, i) => idOf(2, i)),
  ]
  const store = createPgStore({ connectionString: databaseUrl, migrate: false })
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
  await store.close()
  const warmup = 500
  const duplicated =
    Math.abs(stored - warmup - sent.length) +
    [...newCount.values()].filter((n) => n !== 1).length +
    (sent.length - newCount.size)

  const rows = [
    {
      name: 'host single webhooks',
      unit: 'req/s',
      value: Math.round(single.done / (single.elapsedMs / 1000)),
    },
    {
      name: 'host batch records',
      unit: 'records/s',
      value: Math.round((batch.done * BATCH_SIZE) / (batch.elapsedMs / 1000)),
    },
    { name: 'host p99 latency', unit: 'ms', value: Number(percentile(single.latencies, 99).toFixed(1)) },
    {
      name: 'host lost or duplicated',
      unit: 'count',
      value: lost + duplicated + single.failures.length + batch.failures.length,
    },
  ]
  const dir = join(repoRoot, 'bench', 'results')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'host.json'), `${JSON.stringify(rows, null, 2)}\n`)
  const width = Math.max(...rows.map((r) => r.name.length))
  for (const row of rows)
    console.log(`${row.name.padEnd(width)}  ${row.value.toLocaleString('en-US').padStart(12)} ${row.unit}`)
  console.log(
    `(single: ${single.done} requests in ${(single.elapsedMs / 1000).toFixed(1)} s, p50 ${percentile(single.latencies, 50).toFixed(1)} ms, ` +
      `${single.retries} retries; batch: ${batch.done} x ${BATCH_SIZE} in ${(batch.elapsedMs / 1000).toFixed(1)} s, ` +
      `p99 ${percentile(batch.latencies, 99).toFixed(0)} ms, ${batch.retries} retries; lost ${lost}, duplicated ${duplicated})`,
  )
  for (const f of [...single.failures, ...batch.failures].slice(0, 5)) console.log(f)
}

await main()
