import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createMemoryStore, createSyncEngine } from '@edusync/core'
import { createStepRunner, defineStep } from '@edusync/core/steps'
import { errAsync, okAsync } from 'neverthrow'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest'
// The `databaseUrl` the store-pg global setup provides (its type lives with that setup).
import type {} from '../../store-pg/test/global-setup.ts'
import type { EdusyncJobs } from '../src/index.ts'
import { createEdusyncJobs, QUEUES } from '../src/index.ts'

const databaseUrl = inject('databaseUrl')
const worker = fileURLToPath(new URL('./worker.ts', import.meta.url))
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 })
const children: ChildProcess[] = []
const inProcess: EdusyncJobs[] = []

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
  for (const jobs of inProcess.splice(0)) await jobs.stop({ graceful: false })
})
afterAll(() => pool.end())

/** A fresh pair of schemas: pg-boss's, and the Store's with the test's `done` table. */
async function schemas() {
  const suffix = randomBytes(4).toString('hex')
  const store = `jobs_store_${suffix}`
  await pool.query(`CREATE SCHEMA ${store}`)
  await pool.query(`CREATE TABLE ${store}.done (marker text NOT NULL, worker text NOT NULL)`)
  return { jobs: `jobs_boss_${suffix}`, store }
}

/** Starts a worker process and resolves once it works the queues; `lines` collects its stdout lines. */
function startWorker(name: string, env: Record<string, string>, lines: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', tsxLoader, '--conditions=@edusync/source', worker], {
    env: { ...process.env, ...env, DATABASE_URL: databaseUrl, WORKER_NAME: name },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  children.push(child)
  return new Promise((resolve, reject) => {
    child.stdout?.setEncoding('utf8')
    child.stdout?.on('data', (chunk: string) => {
      lines.push(...chunk.split('\n').filter(Boolean))
      if (lines.includes('ready')) resolve(child)
    })
    child.once('exit', (code) => reject(new Error(`worker ${name} exited with ${code} before it was ready`)))
  })
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe('createEdusyncJobs (pg-boss on real PostgreSQL)', () => {
  beforeAll(() => {
    expect(databaseUrl).toMatch(/^postgres:\/\//)
  })

  it('two worker processes share 1,000 steps jobs: each is done exactly once, both do work', async () => {
    const schema = await schemas()
    const env = { JOBS_SCHEMA: schema.jobs, STORE_SCHEMA: schema.store }
    const [a] = await Promise.all([startWorker('a', env), startWorker('b', env)])
    expect(a.pid).toBeGreaterThan(0)
    const jobs = createEdusyncJobs({
      connectionString: databaseUrl,
      schema: schema.jobs,
      workFor: () => unreachable(),
    })
    inProcess.push(jobs)
    ;(await jobs.start())._unsafeUnwrap()
    // 200 tenants: a tenant's steps jobs run one at a time (singleton), different tenants in parallel.
    const ids = await Promise.all(
      Array.from({ length: 1000 }, (_, n) =>
        jobs.enqueueSteps({ tenant: `school-${n % 200}`, only: ['record'], options: { marker: `m${n}` } }),
      ),
    )
    expect(ids.every((r) => r.isOk())).toBe(true)
    const count = async () =>
      (await pool.query(`SELECT count(*)::int AS n FROM ${schema.store}.done`)).rows[0].n
    await waitFor(async () => (await count()) >= 1000, '1,000 jobs done', 170_000)
    const { rows } = await pool.query(
      `SELECT count(*)::int AS total, count(DISTINCT marker)::int AS distinct_markers,
              count(*) FILTER (WHERE worker = 'a')::int AS by_a, count(*) FILTER (WHERE worker = 'b')::int AS by_b
       FROM ${schema.store}.done`,
    )
    expect(rows[0]).toMatchObject({ total: 1000, distinct_markers: 1000 })
    expect(rows[0].by_a).toBeGreaterThan(0)
    expect(rows[0].by_b).toBeGreaterThan(0)
    // Every job recorded a completed steps run.
    const runs = await pool.query(
      `SELECT count(*)::int AS n FROM ${schema.store}.sync_runs WHERE step = 'steps' AND status = 'completed'`,
    )
    expect(runs.rows[0].n).toBe(1000)
  })

  it('a worker killed mid-job: the job is retried on the other worker within the heartbeat, and done once', async () => {
    const schema = await schemas()
    const env = { JOBS_SCHEMA: schema.jobs, STORE_SCHEMA: schema.store }
    const slowLines: string[] = []
    const slow = await startWorker('slow', { ...env, STEP_DELAY_MS: '600000' }, slowLines)
    const jobs = createEdusyncJobs({
      connectionString: databaseUrl,
      schema: schema.jobs,
      workFor: () => unreachable(),
    })
    inProcess.push(jobs)
    ;(await jobs.start())._unsafeUnwrap()
    ;(
      await jobs.enqueueSteps({
        tenant: 'acme',
        only: ['record'],
        options: { marker: 'the-job', slow: true },
      })
    )._unsafeUnwrap()
    await waitFor(async () => slowLines.includes('took the-job'), 'the slow worker to take the job')
    slow.kill('SIGKILL')
    const killedAt = Date.now()
    await startWorker('rescuer', env)
    await waitFor(
      async () =>
        (await pool.query(`SELECT 1 FROM ${schema.store}.done WHERE marker = 'the-job'`)).rowCount === 1,
      'the job to be done by the other worker',
    )
    // Within the 10 s heartbeat plus supervision and polling, not pg-boss's 15 min expiry.
    expect(Date.now() - killedAt).toBeLessThan(60_000)
    const done = await pool.query(`SELECT worker FROM ${schema.store}.done`)
    expect(done.rows).toEqual([{ worker: 'rescuer' }])
    // The killed attempt's run is recorded as abandoned, and the retry resumed it (its run is completed a
    // moment after the step wrote its row, so wait for that rather than race it).
    const stepsRuns = () =>
      pool.query(`SELECT status FROM ${schema.store}.sync_runs WHERE step = 'steps' AND status <> 'failed'`)
    await waitFor(
      async () => (await stepsRuns()).rows.every((r) => r.status === 'completed'),
      'the resumed run',
    )
    const runs = await pool.query(
      `SELECT status, error, metadata FROM ${schema.store}.sync_runs WHERE step = 'steps' ORDER BY created_at`,
    )
    expect(runs.rows.map((r) => r.status)).toEqual(['failed', 'completed'])
    expect(runs.rows[0].error).toMatch(/^abandoned: the worker of job .* stopped during attempt 0$/)
    expect(runs.rows[1].metadata.resumedFrom).toBeDefined()
  })

  it('retries a failing steps job with backoff, then lists it as a dead letter with its error', async () => {
    const schema = await schemas()
    const store = createMemoryStore()
    let attempts = 0
    const broken = defineStep({
      name: 'broken',
      description: 'always fails',
      run: () => {
        attempts++
        return errAsync(new Error('QuickBooks said no'))
      },
    })
    const runner = createStepRunner({ store, steps: [broken] })
    const jobs = createEdusyncJobs({
      connectionString: databaseUrl,
      schema: schema.jobs,
      workFor: () => ({ store, engine: createSyncEngine({ store }), runner }),
      retry: { limit: 2, delaySeconds: 1, maxDelaySeconds: 1 },
      boss: { superviseIntervalSeconds: 1 },
      onError: () => {},
    })
    inProcess.push(jobs)
    ;(await jobs.start())._unsafeUnwrap()
    ;(await jobs.work())._unsafeUnwrap()
    ;(await jobs.enqueueSteps({ tenant: 'acme' }))._unsafeUnwrap()
    await waitFor(async () => ((await jobs.deadLetters())._unsafeUnwrap().length ?? 0) > 0, 'a dead letter')
    const [dead] = (await jobs.deadLetters())._unsafeUnwrap()
    expect(dead).toMatchObject({ queue: QUEUES.steps, data: { tenant: 'acme' } })
    expect(JSON.stringify(dead?.error)).toContain('QuickBooks said no')
    expect(attempts).toBe(3)
    // The retries resumed the failed run each time rather than starting new ones from the first step.
    const runs = (await store.listRuns('acme', { step: 'steps', limit: 10 }))._unsafeUnwrap()
    expect(runs).toHaveLength(3)
    expect(runs.filter((r) => r.metadata.resumedFrom !== undefined)).toHaveLength(2)
  })

  it('coalesces replay requests per tenant, runs them, and refuses a malformed job naming the field', async () => {
    const schema = await schemas()
    const store = createMemoryStore()
    const engine = createSyncEngine({ store })
    const runner = createStepRunner({
      store,
      steps: [defineStep({ name: 'noop', description: 'noop', run: () => okAsync({}) })],
    })
    const jobs = createEdusyncJobs({
      connectionString: databaseUrl,
      schema: schema.jobs,
      workFor: () => ({ store, engine, runner }),
    })
    inProcess.push(jobs)
    ;(await jobs.start())._unsafeUnwrap()
    const first = (await jobs.enqueueReplay({ tenant: 'acme' }))._unsafeUnwrap()
    const second = (await jobs.enqueueReplay({ tenant: 'acme' }))._unsafeUnwrap()
    const other = (await jobs.enqueueReplay({ tenant: 'other' }))._unsafeUnwrap()
    expect(first).toEqual(expect.any(String))
    expect(second).toBeNull()
    expect(other).toEqual(expect.any(String))

    const bad = await jobs.enqueueSteps({ tenant: '', only: [] } as never)
    expect(bad._unsafeUnwrapErr().reason).toBe('Invalid')
    expect(bad._unsafeUnwrapErr().message).toContain('tenant:')
    expect(bad._unsafeUnwrapErr().message).toContain('only:')

    ;(await jobs.work())._unsafeUnwrap()
    await waitFor(
      async () => (await jobs.boss.findJobs(QUEUES.replay, { queued: true })).length === 0,
      'the replay jobs to run',
    )
  })

  it('schedules a steps run with a cron expression and removes it', async () => {
    const schema = await schemas()
    const jobs = createEdusyncJobs({
      connectionString: databaseUrl,
      schema: schema.jobs,
      workFor: () => unreachable(),
    })
    inProcess.push(jobs)
    ;(await jobs.start())._unsafeUnwrap()
    ;(
      await jobs.schedule(
        'acme-nightly',
        '0 2 * * *',
        { tenant: 'acme', from: 'zoho:student' },
        { tz: 'Europe/Istanbul' },
      )
    )._unsafeUnwrap()
    const schedules = await jobs.boss.getSchedules(QUEUES.steps)
    expect(schedules).toMatchObject([
      {
        key: 'acme-nightly',
        cron: '0 2 * * *',
        timezone: 'Europe/Istanbul',
        data: { tenant: 'acme', from: 'zoho:student' },
      },
    ])
    const wrong = await jobs.schedule('bad', 'every night', { tenant: 'acme' })
    expect(wrong._unsafeUnwrapErr().reason).toBe('Queue')
    ;(await jobs.unschedule('acme-nightly'))._unsafeUnwrap()
    expect(await jobs.boss.getSchedules(QUEUES.steps)).toEqual([])
  })
})

function unreachable(): never {
  throw new Error('this process enqueues only; the worker processes do the work')
}
