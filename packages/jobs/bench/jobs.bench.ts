/**
 * Benchmark suite `jobs`: parked-replay steps jobs through edusync's pg-boss queues on a real PostgreSQL,
 * worked by 1 and then 2 worker processes (test/worker.ts). Each job runs the shipped parked-replay step
 * and records its marker, so `jobs done twice` counts markers recorded more than once (target 0).
 * The ceiling, measured in the same run on the same server: the same number of no-op jobs through a bare
 * pg-boss queue worked by one process (`jobs pg-boss no-op`), so `jobs 1 worker share` is the share of
 * pg-boss's own throughput that edusync's bookkeeping (runs, steps, replay) leaves.
 * BENCH_JOBS sets the number of jobs per configuration (default 10,000). Run: `pnpm bench jobs`.
 */
import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import { loadavg } from 'node:os'
import { fileURLToPath, pathToFileURL } from 'node:url'
import pg from 'pg'
import { PgBoss } from 'pg-boss'
import type { BenchRow } from '../../core/bench/bench-report.ts'
import { printTable, writeResults } from '../../core/bench/bench-report.ts'
import { startPostgres } from '../../store-pg/test/pg-server.ts'
import { createEdusyncJobs } from '../src/index.ts'

const N = Number(process.env.BENCH_JOBS ?? 10_000)
const worker = fileURLToPath(new URL('../test/worker.ts', import.meta.url))
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
const server = process.env.DATABASE_URL ? undefined : await startPostgres(['max_connections=200'])
const databaseUrl = process.env.DATABASE_URL ?? (server?.url as string)
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 })

function startWorker(name: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', tsxLoader, '--conditions=@edusync/source', worker], {
    env: { ...process.env, ...env, DATABASE_URL: databaseUrl, WORKER_NAME: name, BATCH_SIZE: '16' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    child.stdout?.setEncoding('utf8')
    child.stdout?.on('data', (chunk: string) => {
      if (chunk.includes('ready')) resolve(child)
    })
    child.once('exit', (code) => reject(new Error(`worker ${name} exited with ${code}`)))
  })
}

async function until(check: () => Promise<boolean>) {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 100))
}

/** Starts `workers` processes, then times enqueueing N replay steps jobs over 500 tenants and working them all. */
async function edusyncJobs(workers: number) {
  const suffix = randomBytes(4).toString('hex')
  const schema = { jobs: `bench_boss_${suffix}`, store: `bench_store_${suffix}` }
  await pool.query(`CREATE SCHEMA ${schema.store}`)
  await pool.query(`CREATE TABLE ${schema.store}.done (marker text NOT NULL, worker text NOT NULL)`)
  const jobs = createEdusyncJobs({
    connectionString: databaseUrl,
    schema: schema.jobs,
    workFor: () => {
      throw new Error('enqueue only')
    },
  })
  ;(await jobs.start())._unsafeUnwrap()
  // Workers are up (process start and tsx excluded) before the clock starts; enqueueing is timed.
  const env = { JOBS_SCHEMA: schema.jobs, STORE_SCHEMA: schema.store }
  const children = await Promise.all(Array.from({ length: workers }, (_, i) => startWorker(`w${i}`, env)))
  const started = performance.now()
  for (let n = 0; n < N; n += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, N - n) }, (_, i) =>
        jobs.enqueueSteps({
          tenant: `school-${(n + i) % 500}`,
          only: ['parked-replay', 'record'],
          options: { marker: `m${n + i}` },
        }),
      ),
    )
  }
  const count = async () =>
    (await pool.query(`SELECT count(*)::int AS n FROM ${schema.store}.done`)).rows[0].n as number
  await until(async () => (await count()) >= N)
  const seconds = (performance.now() - started) / 1000
  for (const child of children) child.kill('SIGKILL')
  await jobs.stop({ graceful: false })
  const twice = await pool.query(
    `SELECT count(*)::int AS n FROM (SELECT marker FROM ${schema.store}.done GROUP BY marker HAVING count(*) > 1) d`,
  )
  return { rate: Math.round(N / seconds), twice: twice.rows[0].n as number }
}

/** The ceiling: N no-op jobs through a bare pg-boss queue, one worker process's worth (this process). */
async function bareBoss() {
  const schema = `bench_bare_${randomBytes(4).toString('hex')}`
  const boss = new PgBoss({ connectionString: databaseUrl, schema })
  await boss.start()
  await boss.createQueue('noop')
  for (let n = 0; n < N; n += 500) {
    await boss.insert(
      'noop',
      Array.from({ length: Math.min(500, N - n) }, (_, i) => ({ data: { n: n + i } })),
    )
  }
  let done = 0
  const started = performance.now()
  await boss.work(
    'noop',
    { batchSize: 16, burstWhenBatchFull: true, pollingIntervalSeconds: 0.5 },
    async (jobs) => {
      done += jobs.length
    },
  )
  await until(async () => done >= N)
  const seconds = (performance.now() - started) / 1000
  await boss.stop({ graceful: false, close: true })
  return Math.round(N / seconds)
}

try {
  const startLoad = loadavg()
  console.log(
    `jobs bench: ${N.toLocaleString('en-US')} jobs per configuration, load ${startLoad
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  )
  const ceiling = await bareBoss()
  const one = await edusyncJobs(1)
  const two = await edusyncJobs(2)
  const rows: BenchRow[] = [
    { name: 'jobs pg-boss no-op', unit: 'jobs/s', value: ceiling },
    { name: 'jobs 1 worker', unit: 'jobs/s', value: one.rate },
    { name: 'jobs 1 worker share', unit: 'ratio', value: Number((one.rate / ceiling).toFixed(3)) },
    { name: 'jobs 2 workers', unit: 'jobs/s', value: two.rate },
    { name: 'jobs 2 workers share', unit: 'ratio', value: Number((two.rate / ceiling).toFixed(3)) },
    { name: 'jobs done twice', unit: 'count', value: one.twice + two.twice },
    // The machine's load when the run began (1, 5 and 15 minutes).
    ...(['1m', '5m', '15m'] as const).map((span, i) => ({
      name: `jobs load average ${span}`,
      unit: 'load',
      value: Number((startLoad[i] ?? 0).toFixed(2)),
    })),
  ]
  printTable(rows)
  console.log(`wrote ${writeResults('jobs', rows)}`)
} finally {
  await pool.end()
  server?.stop()
}
