/**
 * Benchmark suite `finance`: account statements on a real PostgreSQL server (DATABASE_URL, or a throw-away
 * server of its own), through the public finance API. One school of 2,000 students with 100,000 invoices
 * and 250,000 payments over 2026, generated in SQL (set-based INSERT ... SELECT, seconds) straight into
 * the finance tables: the benchmark measures reads, not the write path. Writes bench/results/finance.json.
 *
 * Rows (ms): `statement student p50` / `p99` (cold: every read misses the cache), `statement school`
 * (the whole school for a year as per-student summaries, the school route's default shape, median),
 * `statement school lines` (the same year with every line and its running balance: 350,000 lines),
 * `statement cached p50` (a cache hit: version read and cache GET, concurrently). Each has a same-run ceiling, reported as
 * `<row> share` (ceiling / row, unit ratio): the bare fetch of the same rows by their indexes (no
 * ordering, no window, no aging) for student statements and the school's lines, a bare `count(*)` of the
 * same rows for the school summary (it reads every row once and ships 2,000), and the bare cache GET for
 * the cached read. The cache is Redis when REDIS_URL is set or `redis-server` is installed, else the
 * in-process cache. The load average is printed before and after: the machine may be shared.
 */
import { spawn, spawnSync } from 'node:child_process'
import { createConnection } from 'node:net'
import { loadavg } from 'node:os'
import { createRedisStatementCache } from '@edusync/cache-redis'
import { createMemoryStore } from '@edusync/core'
import type { StatementCache } from '@edusync/core/finance'
import { createFinance, createMemoryStatementCache } from '@edusync/core/finance'
import pg from 'pg'
import { median, printTable, writeResults } from '../../core/bench/bench-report.ts'
import { createPgFinanceStore } from '../src/index.ts'
import { startPostgres } from '../test/pg-server.ts'

const STUDENTS = 2_000
const INVOICES = 100_000
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 400)
const SCHEMA = 'bench_finance'
const TENANT = 'bench-school'
const YEAR = { from: '2026-01-01', to: '2026-12-31', asOf: '2026-12-31' }

const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0
}
const ms = (value: number) => Math.round(value * 1000) / 1000

/** 100,000 invoices (50 per student) and 250,000 payments (2 or 3 per invoice), set-based. */
async function generate(pool: pg.Pool) {
  const s = `"${SCHEMA}"`
  await pool.query(
    `TRUNCATE ${s}.finance_invoices, ${s}.finance_payments, ${s}.finance_schools, ${s}.finance_statement_versions`,
  )
  await pool.query(
    `INSERT INTO ${s}.finance_schools VALUES ($1, 'school-1', repeat('0', 64), '{"id":"school-1","name":"Bench School"}')`,
    [TENANT],
  )
  await pool.query(
    `INSERT INTO ${s}.finance_invoices
     SELECT $1, 'inv-' || i, 'school-1', 'stu-' || (i % ${STUDENTS}), 'INV-' || i,
            d, d + 30, 'USD', 100000 + (i % 50) * 1000, repeat('0', 64),
            json_build_object('id', 'inv-' || i, 'schoolId', 'school-1', 'studentId', 'stu-' || (i % ${STUDENTS}),
              'number', 'INV-' || i, 'issueDate', d, 'dueDate', d + 30, 'currency', 'USD',
              'lines', json_build_array(json_build_object('description', 'Tuition',
                'amount', json_build_object('minor', 100000 + (i % 50) * 1000, 'currency', 'USD'))),
              'total', json_build_object('minor', 100000 + (i % 50) * 1000, 'currency', 'USD'))
       FROM generate_series(0, ${INVOICES - 1}) AS i, LATERAL (SELECT date '2026-01-01' + (i * 7919) % 330 AS d) x`,
    [TENANT],
  )
  await pool.query(
    `INSERT INTO ${s}.finance_payments
     SELECT i.tenant, i.id || '-p' || k, i.id, i.student_id, i.school_id, 'USD', i.total_minor / 4, NULL,
            least(i.issue_date + 10 * k, date '2026-12-31'), repeat('0', 64),
            json_build_object('id', i.id || '-p' || k, 'invoiceId', i.id,
              'amount', json_build_object('minor', i.total_minor / 4, 'currency', 'USD'),
              'paidOn', least(i.issue_date + 10 * k, date '2026-12-31'))
       FROM ${s}.finance_invoices i, generate_series(1, 3) AS k
      WHERE i.tenant = $1 AND (k < 3 OR substr(i.id, 5)::int % 2 = 0)`,
    [TENANT],
  )
  // Each invoice's running paid total, as the write path keeps it (migration 0013).
  await pool.query(
    `UPDATE ${s}.finance_invoices i SET paid_minor = p.paid
       FROM (SELECT invoice_id, sum(amount_minor) AS paid FROM ${s}.finance_payments WHERE tenant = $1 GROUP BY invoice_id) p
      WHERE i.tenant = $1 AND i.id = p.invoice_id`,
    [TENANT],
  )
  // The steady state autovacuum reaches: statistics and the visibility map of freshly loaded tables.
  await pool.query(`VACUUM ANALYZE ${s}.finance_invoices, ${s}.finance_payments`)
  const [counts] = (
    await pool.query(
      `SELECT (SELECT count(*) FROM ${s}.finance_invoices)::int AS invoices, (SELECT count(*) FROM ${s}.finance_payments)::int AS payments`,
    )
  ).rows as { invoices: number; payments: number }[]
  return counts as { invoices: number; payments: number }
}

/** The same rows a school summary reads, only counted: the floor of one pass over them. */
const bareCount = `
  SELECT (SELECT count(*) FROM "${SCHEMA}".finance_invoices WHERE tenant = $1 AND school_id = $2)
       + (SELECT count(*) FROM "${SCHEMA}".finance_payments WHERE tenant = $1 AND school_id = $2) AS n`

/** The same rows a statement reads, fetched bare by their indexes: the I/O floor. */
const bareFetch = (column: string) => `
  SELECT id, issue_date, total_minor FROM "${SCHEMA}".finance_invoices WHERE tenant = $1 AND ${column} = $2
  UNION ALL
  SELECT id, paid_on, amount_minor FROM "${SCHEMA}".finance_payments WHERE tenant = $1 AND ${column} = $2`

async function redisOrMemory(): Promise<{
  cache: StatementCache
  kind: string
  get: (key: string) => Promise<unknown>
  stop: () => Promise<void>
}> {
  let url = process.env.REDIS_URL
  let child: ReturnType<typeof spawn> | undefined
  if (!url && spawnSync('sh', ['-c', 'command -v redis-server']).status === 0) {
    const port = 46379 + Math.floor(Math.random() * 1000)
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    )
    for (let i = 0; i < 100; i++) {
      const up = await new Promise<boolean>((resolve) => {
        const socket = createConnection({ host: '127.0.0.1', port }, () => {
          socket.destroy()
          resolve(true)
        })
        socket.once('error', () => resolve(false))
      })
      if (up) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    url = `redis://127.0.0.1:${port}`
  }
  if (!url) {
    const cache = createMemoryStatementCache()
    return {
      cache,
      kind: 'memory',
      get: async (key) => (await cache.get(key))._unsafeUnwrap(),
      stop: async () => {},
    }
  }
  const { Redis } = await import('ioredis')
  const raw = new Redis(url)
  raw.on('error', () => {})
  return {
    cache: createRedisStatementCache({ url }),
    kind: 'redis',
    get: async (key) => JSON.parse((await raw.get(key)) ?? 'null'),
    stop: async () => {
      await raw.quit().catch(() => undefined)
      child?.kill('SIGKILL')
    },
  }
}

const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')

async function main() {
  console.error(`load average (1, 5, 15 min) at start: ${load()}`)
  const server = process.env.DATABASE_URL ? undefined : await startPostgres(['shared_buffers=256MB'])
  const url = process.env.DATABASE_URL ?? server!.url
  const pool = new pg.Pool({ connectionString: url, max: 4 })
  const financeStore = createPgFinanceStore({ pool, schema: SCHEMA })
  const cached = await redisOrMemory()
  const rows: { name: string; unit: string; value: number }[] = []
  let finance: ReturnType<typeof createFinance> | undefined
  try {
    const versions = await financeStore.statementVersions(TENANT, [])
    if (versions.isErr()) throw versions.error
    const started = performance.now()
    const counts = await generate(pool)
    console.error(
      `generated ${counts.invoices} invoices and ${counts.payments} payments in ${Math.round(performance.now() - started)} ms`,
    )
    finance = createFinance({ store: createMemoryStore(), finance: financeStore, cache: cached.cache })
    const student = (n: number) => `stu-${(n * 7) % STUDENTS}`

    // Warm the database's buffers and the code paths (not the statement cache: each key is read once).
    for (let n = 0; n < 50; n++)
      await finance.statements({
        tenant: TENANT,
        scope: { kind: 'student', id: student(n) },
        ...YEAR,
        asOf: '2026-06-30',
      })

    const cold: number[] = []
    const floor: number[] = []
    for (let n = 0; n < SAMPLES; n++) {
      const scope = { kind: 'student', id: student(n) } as const
      let t = performance.now()
      const r = await finance.statements({ tenant: TENANT, scope, ...YEAR })
      cold.push(performance.now() - t)
      if (r.isErr()) throw r.error
      if (r.value.cache !== 'miss') throw new Error(`expected a cold read, got ${r.value.cache}`)
      t = performance.now()
      await pool.query(bareFetch('student_id'), [TENANT, scope.id])
      floor.push(performance.now() - t)
    }
    const hot: number[] = []
    const hotFloor: number[] = []
    for (let n = 0; n < SAMPLES; n++) {
      const scope = { kind: 'student', id: student(n) } as const
      let t = performance.now()
      const r = await finance.statements({ tenant: TENANT, scope, ...YEAR })
      hot.push(performance.now() - t)
      if (r.isErr() || r.value.cache !== 'hit') throw new Error('expected a cache hit')
      t = performance.now()
      await cached.get(
        `edusync:${TENANT}:student:${scope.id}:statement:v0:${YEAR.from}:${YEAR.to}:${YEAR.asOf}`,
      )
      hotFloor.push(performance.now() - t)
    }
    // The school is read from the FinanceStore directly: every rep is cold (nothing cached).
    const schoolScope = { scope: { kind: 'school', id: 'school-1' }, ...YEAR } as const
    const school: number[] = []
    const schoolFloor: number[] = []
    let students = 0
    for (let rep = 0; rep < 7; rep++) {
      let t = performance.now()
      const r = await financeStore.statementSummaries(TENANT, schoolScope)
      school.push(performance.now() - t)
      if (r.isErr()) throw r.error
      students = r.value[0]?.students.length ?? 0
      t = performance.now()
      await pool.query(bareCount, [TENANT, 'school-1'])
      schoolFloor.push(performance.now() - t)
    }
    const schoolLines: number[] = []
    const linesFloor: number[] = []
    let lines = 0
    for (let rep = 0; rep < 3; rep++) {
      let t = performance.now()
      const r = await financeStore.statements(TENANT, schoolScope)
      schoolLines.push(performance.now() - t)
      if (r.isErr()) throw r.error
      lines = r.value[0]?.lines.length ?? 0
      t = performance.now()
      await pool.query(bareFetch('school_id'), [TENANT, 'school-1'])
      linesFloor.push(performance.now() - t)
    }
    console.error(
      `school summary: ${students} students; school statement: ${lines} lines; cache: ${cached.kind}`,
    )

    const row = (name: string, value: number, ceiling: number) => {
      rows.push({ name, unit: 'ms', value: ms(value) })
      rows.push({ name: `${name} share`, unit: 'ratio', value: Math.round((ceiling / value) * 1000) / 1000 })
    }
    row('statement student p50', percentile(cold, 50), percentile(floor, 50))
    row('statement student p99', percentile(cold, 99), percentile(floor, 99))
    row('statement school', median(school), median(schoolFloor))
    row('statement school lines', median(schoolLines), median(linesFloor))
    row('statement cached p50', percentile(hot, 50), percentile(hotFloor, 50))
  } finally {
    await financeStore.close()
    if (!process.env.BENCH_KEEP)
      await pool.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`).catch(() => undefined)
    await pool.end()
    await finance?.cacheIdle()
    await cached.cache.close()
    await cached.stop()
    server?.stop()
  }
  console.error(`load average (1, 5, 15 min) at end: ${load()}`)
  console.error(`results: ${writeResults('finance', rows)}`)
  printTable(rows)
}

await main()
