// A worker process for the jobs tests and benchmark: works edusync's queues against a real PostgreSQL,
// with the shipped parked-replay step and a test step: `record` writes the job's marker and this worker's name into a table (so a test can count what
// was done, and by whom), `slow` sleeps STEP_DELAY_MS first (so a test can kill the worker mid-job).
import { createSyncEngine } from '@edusync/core'
import { createStepRunner, defineStep, parkedReplayStep } from '@edusync/core/steps'
import { createPgStore } from '@edusync/store-pg'
import { ResultAsync } from 'neverthrow'
import pg from 'pg'
import { createEdusyncJobs } from '../src/index.ts'

const { DATABASE_URL, JOBS_SCHEMA, STORE_SCHEMA, WORKER_NAME, STEP_DELAY_MS } = process.env
if (!DATABASE_URL || !JOBS_SCHEMA || !STORE_SCHEMA || !WORKER_NAME) throw new Error('worker: env missing')
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 })
const store = createPgStore({ connectionString: DATABASE_URL, schema: STORE_SCHEMA })
const engine = createSyncEngine({ store })
const delay = Number(STEP_DELAY_MS ?? 0)

const record = defineStep({
  name: 'record',
  description: 'records the job marker and the worker that did it',
  run: ({ options }) =>
    ResultAsync.fromPromise(
      (async () => {
        if (options.slow === true && delay > 0) {
          console.log(`took ${String(options.marker)}`)
          await new Promise((resolve) => setTimeout(resolve, delay))
        }
        await pool.query(`INSERT INTO ${STORE_SCHEMA}.done (marker, worker) VALUES ($1, $2)`, [
          String(options.marker),
          WORKER_NAME,
        ])
        return { counts: { total: 1, new: 1 } }
      })(),
      (e) => e as Error,
    ),
})
const runner = createStepRunner({ store, steps: [parkedReplayStep(engine), record] })
const jobs = createEdusyncJobs({
  connectionString: DATABASE_URL,
  schema: JOBS_SCHEMA,
  workFor: () => ({ store, engine, runner }),
  heartbeatSeconds: 10,
  retry: { limit: 3, delaySeconds: 1, maxDelaySeconds: 2 },
  boss: { superviseIntervalSeconds: 1, monitorIntervalSeconds: 1, maintenanceIntervalSeconds: 1 },
})
const started = await jobs
  .start()
  .andThen(() => jobs.work({ batchSize: Number(process.env.BATCH_SIZE ?? 8), pollingIntervalSeconds: 0.5 }))
if (started.isErr()) throw started.error
console.log('ready')
process.on('SIGTERM', () => {
  void jobs.stop({ graceful: false }).then(async () => {
    await store.close()
    await pool.end()
    process.exit(0)
  })
})
