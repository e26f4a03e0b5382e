import type { Store, SyncEngine } from '@edusync/core'
import type { StepRunner, StepsReport } from '@edusync/core/steps'
import { STEPS_RUN } from '@edusync/core/steps'
import { errAsync, okAsync, ResultAsync } from 'neverthrow'
import type { ConstructorOptions, Job, JobResult, JobWithMetadata } from 'pg-boss'
import { PgBoss } from 'pg-boss'
import type * as z from 'zod'
import type { ReplayJob, StepsJob } from './job-payloads.ts'
import { describeIssues, replayJob, stepsJob } from './job-payloads.ts'
import { JobsError } from './jobs-error.ts'

/** Queue names, so operators can find them in pg-boss's tables and dashboard. */
export const QUEUES = {
  /** Steps runs: at most one active per tenant (policy `singleton`, key = tenant), any number queued. */
  steps: 'edusync-steps',
  /** Parked replays: at most one queued and one active per tenant (policy `stately`): requests coalesce. */
  replay: 'edusync-replay',
  /** Where a job lands after its last retry failed: listed by {@link EdusyncJobs.deadLetters}. */
  dead: 'edusync-dead',
} as const

/** What a job needs to do its work for one tenant. */
export interface TenantWork {
  readonly store: Store
  readonly engine: SyncEngine
  readonly runner: StepRunner
}

/** Options of {@link createEdusyncJobs}. */
export interface EdusyncJobsOptions {
  /** The PostgreSQL the workers share (pg-boss keeps its tables in `schema`). */
  readonly connectionString: string
  /** pg-boss's schema. @default 'pgboss' */
  readonly schema?: string
  /** Builds (or returns a cached) store, engine and step runner for a tenant. */
  readonly workFor: (tenant: string) => TenantWork | Promise<TenantWork>
  /**
   * Retries of a failed job, with exponential backoff from `delaySeconds` up to `maxDelaySeconds`. A steps
   * job that is retried resumes the run its failed attempt recorded (completed steps are not redone).
   * @default { limit: 4, delaySeconds: 5, maxDelaySeconds: 300 }
   */
  readonly retry?: {
    readonly limit?: number
    readonly delaySeconds?: number
    readonly maxDelaySeconds?: number
  }
  /**
   * A worker refreshes each job's heartbeat while it runs; a job whose worker died (killed, frozen) is
   * failed and retried elsewhere after this many seconds without one (pg-boss's minimum is 10). @default 30
   */
  readonly heartbeatSeconds?: number
  /** Extra pg-boss constructor options (polling, supervision intervals). */
  readonly boss?: Omit<ConstructorOptions, 'connectionString' | 'schema'>
  /** Where job failures are reported. @default console.warn */
  readonly onError?: (error: Error) => void
}

/** Options of {@link EdusyncJobs.work}. */
export interface WorkOptions {
  /** Jobs fetched and run together by one fetch loop. @default 8 */
  readonly batchSize?: number
  /**
   * Fetch loops per queue in this process, each with up to `batchSize` jobs in hand (a tenant's steps
   * jobs still run one at a time). @default 1
   */
  readonly stepsConcurrency?: number
  /** Fetch loops of the replay queue. @default 1 */
  readonly replayConcurrency?: number
  /** How often an idle worker looks for jobs, in seconds (pg-boss's minimum is 0.5). @default 2 */
  readonly pollingIntervalSeconds?: number
}

/** A job that ended in the dead-letter queue after its last retry. */
export interface DeadLetter {
  readonly id: string
  /** The queue it failed on. */
  readonly queue: string | null
  readonly data: unknown
  /** The id of the job that failed (in `queue`). */
  readonly sourceId: string | null
  /** The last attempt's error, as pg-boss recorded it on the failed job. */
  readonly error: unknown
  readonly createdOn: Date
}

/** Background jobs over pg-boss: enqueue, schedule and work steps runs and parked replays. */
export interface EdusyncJobs {
  /** The pg-boss instance (for its dashboard, stats, or queues of your own). */
  readonly boss: PgBoss
  /** Installs or migrates pg-boss's schema and creates edusync's queues. Idempotent; every process calls it. */
  start(): ResultAsync<void, JobsError>
  /** Queues a steps run. Returns the job id. */
  enqueueSteps(job: StepsJob): ResultAsync<string, JobsError>
  /** Queues a parked replay; `null` when one for the tenant is already queued (requests coalesce). */
  enqueueReplay(job: ReplayJob): ResultAsync<string | null, JobsError>
  /**
   * Schedules a steps run with a cron expression (e.g. `0 2 * * *`, nightly at 02:00 in `tz`). `key`
   * names the schedule (several per tenant); scheduling the same key again replaces it.
   */
  schedule(
    key: string,
    cron: string,
    job: StepsJob,
    options?: { readonly tz?: string },
  ): ResultAsync<void, JobsError>
  /** Removes a schedule. */
  unschedule(key: string): ResultAsync<void, JobsError>
  /**
   * Starts working the queues in this process. Several processes may work the same queues: pg-boss
   * claims each job with `SKIP LOCKED`, so no job is done twice at once, and a job whose worker died is
   * retried elsewhere once its heartbeat lapses.
   */
  work(options?: WorkOptions): ResultAsync<void, JobsError>
  /** Jobs that failed their last retry, oldest first, each with its last error (one lookup per letter). */
  deadLetters(limit?: number): ResultAsync<readonly DeadLetter[], JobsError>
  /** Stops working (waiting for jobs in hand when `graceful`) and closes pg-boss's connections. */
  stop(options?: { readonly graceful?: boolean; readonly timeoutMs?: number }): Promise<void>
}

const queueFailed = (what: string) => (error: unknown) =>
  new JobsError('Queue', `${what}: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
  })

/**
 * Creates edusync's background jobs on pg-boss.
 *
 * @example
 * ```ts
 * const jobs = createEdusyncJobs({ connectionString: process.env.DATABASE_URL!, workFor: (tenant) => contexts.get(tenant) })
 * await jobs.start()
 * await jobs.schedule('acme-nightly', '0 2 * * *', { tenant: 'acme' })
 * await jobs.work() // in each worker process
 * ```
 */
export function createEdusyncJobs(options: EdusyncJobsOptions): EdusyncJobs {
  const boss = new PgBoss({
    ...options.boss,
    connectionString: options.connectionString,
    schema: options.schema ?? 'pgboss',
  })
  const onError = options.onError ?? ((error: Error) => console.warn(`edusync jobs: ${error.message}`))
  boss.on('error', onError)
  const retry = {
    retryLimit: options.retry?.limit ?? 4,
    retryDelay: options.retry?.delaySeconds ?? 5,
    retryDelayMax: options.retry?.maxDelaySeconds ?? 300,
    retryBackoff: true,
  }
  const heartbeatSeconds = Math.max(10, options.heartbeatSeconds ?? 30)
  const queueOptions = { ...retry, heartbeatSeconds, deadLetter: QUEUES.dead }

  async function runSteps(job: Job<unknown>): Promise<{ runId: string; status: StepsReport['status'] }> {
    const parsed = stepsJob.safeParse(job.data)
    if (!parsed.success) throw new Error(`malformed steps job ${job.id}: ${describeIssues(parsed.error)}`)
    const request = parsed.data
    const work = await options.workFor(request.tenant)
    const metadata = { via: 'job', jobId: job.id, attempt: job.retryCount }
    const common = { signal: job.signal, metadata, continueOnError: request.continueOnError ?? false }
    const previous = job.retryCount > 0 ? await unfinishedRunOf(work.store, request.tenant, job) : undefined
    const result = previous
      ? await work.runner.resume(request.tenant, previous, common)
      : await work.runner.run(request.tenant, {
          ...(request.from ? { from: request.from } : {}),
          ...(request.only ? { only: request.only } : {}),
          ...(request.range ? { range: request.range } : {}),
          ...(request.options ? { options: request.options } : {}),
          ...common,
        })
    if (result.isErr()) throw result.error
    const report = result.value
    // Throwing hands the job back to pg-boss: retried with backoff, then dead-lettered.
    if (report.status !== 'completed') {
      const failed = report.steps.find((s) => s.status === 'failed' || s.status === 'interrupted')
      throw new Error(
        `steps run ${report.runId} ${report.status}${failed ? ` at ${failed.step}: ${failed.error}` : ''}`,
      )
    }
    return { runId: report.runId, status: report.status }
  }

  async function replay(job: Job<unknown>): Promise<{ replayed: number }> {
    const parsed = replayJob.safeParse(job.data)
    if (!parsed.success) throw new Error(`malformed replay job ${job.id}: ${describeIssues(parsed.error)}`)
    const { tenant, entity } = parsed.data
    const work = await options.workFor(tenant)
    const result = await work.engine.replayParked(tenant, entity ? { entity } : {})
    if (result.isErr()) throw result.error
    return { replayed: result.value.length }
  }

  const validate = <T>(schema: z.ZodType<T>, value: unknown): T | JobsError => {
    const parsed = schema.safeParse(value)
    return parsed.success
      ? parsed.data
      : new JobsError('Invalid', `invalid job: ${describeIssues(parsed.error)}`)
  }

  return {
    boss,
    start() {
      return ResultAsync.fromPromise(
        (async () => {
          await boss.start()
          await boss.createQueue(QUEUES.dead, { retentionSeconds: 30 * 24 * 3600 })
          await boss.createQueue(QUEUES.steps, { policy: 'singleton', ...queueOptions })
          await boss.createQueue(QUEUES.replay, { policy: 'stately', ...queueOptions })
        })(),
        queueFailed('start'),
      )
    },
    enqueueSteps(job) {
      const data = validate(stepsJob, job)
      if (data instanceof JobsError) return errAsync(data)
      return ResultAsync.fromPromise(
        boss.send(QUEUES.steps, data, { singletonKey: data.tenant }),
        queueFailed('enqueue steps'),
      ).andThen((id) =>
        // A singleton queue never refuses a job (only its activity is limited), so an id always comes back.
        id ? okAsync(id) : errAsync(new JobsError('Queue', 'enqueue steps: pg-boss did not create the job')),
      )
    },
    enqueueReplay(job) {
      const data = validate(replayJob, job)
      if (data instanceof JobsError) return errAsync(data)
      return ResultAsync.fromPromise(
        boss.send(QUEUES.replay, data, { singletonKey: data.tenant }),
        queueFailed('enqueue replay'),
      )
    },
    schedule(key, cron, job, scheduleOptions = {}) {
      const data = validate(stepsJob, job)
      if (data instanceof JobsError) return errAsync(data)
      return ResultAsync.fromPromise(
        boss.schedule(QUEUES.steps, cron, data, {
          key,
          singletonKey: data.tenant,
          ...(scheduleOptions.tz ? { tz: scheduleOptions.tz } : {}),
        }),
        queueFailed(`schedule "${key}"`),
      )
    },
    unschedule(key) {
      return ResultAsync.fromPromise(boss.unschedule(QUEUES.steps, key), queueFailed(`unschedule "${key}"`))
    },
    work(workOptions = {}) {
      const batchSize = workOptions.batchSize ?? 8
      // Up to `batchSize` jobs per fetch, run together (a batch never holds two of one tenant's steps jobs:
      // the queue is a singleton per tenant), each settled on its own: one failing job is retried alone.
      // While fetches come back full, the next one follows at once instead of after the polling interval.
      const options = {
        batchSize,
        perJobResults: true as const,
        burstWhenBatchFull: true,
        pollingIntervalSeconds: workOptions.pollingIntervalSeconds ?? 2,
      }
      const settle =
        (handle: (job: Job<unknown>) => Promise<unknown>) =>
        (batch: Job<unknown>[]): Promise<JobResult[]> =>
          Promise.all(
            batch.map(async (job): Promise<JobResult> => {
              try {
                return { id: job.id, status: 'completed', output: await handle(job) }
              } catch (error) {
                const failure = error instanceof Error ? error : new Error(String(error))
                onError(
                  new JobsError('Queue', `job ${job.id} (${job.name}) failed: ${failure.message}`, {
                    cause: failure,
                  }),
                )
                return { id: job.id, status: 'failed', output: { message: failure.message } }
              }
            }),
          )
      return ResultAsync.fromPromise(
        (async () => {
          await boss.work(
            QUEUES.steps,
            { ...options, localConcurrency: workOptions.stepsConcurrency ?? 1 },
            settle(runSteps),
          )
          await boss.work(
            QUEUES.replay,
            { ...options, localConcurrency: workOptions.replayConcurrency ?? 1 },
            settle(replay),
          )
        })(),
        queueFailed('work'),
      )
    },
    deadLetters(limit = 100) {
      return ResultAsync.fromPromise(
        (async () => {
          const letters = await boss.findJobs<unknown>(QUEUES.dead, { limit })
          // pg-boss copies the payload into the dead-letter queue; the error stays on the failed job.
          return Promise.all(
            letters.map(async (job: JobWithMetadata<unknown>) => {
              const source =
                job.sourceName && job.sourceId
                  ? (await boss.findJobs(job.sourceName, { id: job.sourceId }))[0]
                  : undefined
              return {
                id: job.id,
                queue: job.sourceName,
                sourceId: job.sourceId,
                data: job.data,
                error: source?.output ?? null,
                createdOn: job.createdOn,
              }
            }),
          )
        })(),
        queueFailed('dead letters'),
      )
    },
    async stop(stopOptions = {}) {
      await boss.stop({
        graceful: stopOptions.graceful ?? true,
        timeout: stopOptions.timeoutMs ?? 30_000,
        close: true,
      })
    },
  }
}

/**
 * The steps run an earlier attempt of this job left unfinished: failed (resumable as it is), or still
 * `running` because its worker died; such a run and its running step are marked failed (abandoned) first,
 * so the run history says what happened and the resume redoes only what did not complete.
 */
async function unfinishedRunOf(store: Store, tenant: string, job: Job<unknown>): Promise<string | undefined> {
  const mine = (run: { metadata: Readonly<Record<string, unknown>> }) =>
    run.metadata.jobId === job.id && run.metadata.resumedBy === undefined
  const failed = await store.listRuns(tenant, { step: STEPS_RUN, status: 'failed', limit: 100 })
  if (failed.isErr()) throw failed.error
  const resumable = failed.value.find(mine)
  if (resumable) return resumable.id
  const running = await store.listRuns(tenant, { status: 'running', limit: 100 })
  if (running.isErr()) throw running.error
  const abandoned = running.value.find((run) => run.step === STEPS_RUN && mine(run))
  if (!abandoned) return undefined
  const error = `abandoned: the worker of job ${job.id} stopped during attempt ${String(abandoned.metadata.attempt)}`
  for (const run of running.value) {
    if (run.metadata.parentRunId !== abandoned.id) continue
    const marked = await store.updateRun(tenant, run.id, { status: 'failed', error })
    if (marked.isErr()) throw marked.error
  }
  const marked = await store.updateRun(tenant, abandoned.id, { status: 'failed', error })
  if (marked.isErr()) throw marked.error
  return abandoned.id
}
