import { createSyncEngine } from '@edusync/core'
import type { Step } from '@edusync/core/steps'
import { createStepRunner, parkedReplayStep } from '@edusync/core/steps'
import type { TenantWork } from '@edusync/jobs'
import { createEdusyncJobs } from '@edusync/jobs'
import { createZohoClient, defaultFieldMap, withFieldMap, zohoPullSteps } from '@edusync/zoho'
import { loadConfig } from './config.ts'
import { openFinance } from './finance.ts'
import { createLogger } from './logging.ts'
import { openStore } from './store.ts'

/**
 * Worker mode (`pnpm --filter @edusync/example-express-host worker`): works edusync's pg-boss queues
 * (steps runs, parked replays, schedules) beside the web processes, on the same PostgreSQL. Start as many
 * as the work needs: pg-boss gives each job to one worker, and a job whose worker dies is retried on
 * another once its heartbeat lapses (WORKER_HEARTBEAT_SECONDS, default 30).
 *
 * Needs DATABASE_URL: with embedded PGlite (one process) there are no separate workers; the host runs
 * its replays in process.
 */
async function main(): Promise<void> {
  const config = loadConfig()
  const logger = createLogger(config.LOG_LEVEL)
  if (config.DATABASE_URL === undefined) {
    throw new Error(
      'worker mode needs DATABASE_URL (PostgreSQL): with embedded PGlite, jobs run in the host process',
    )
  }
  const { store } = await openStore(config)
  // Finance's parked invoices and payments replay through the same jobs and steps as the engine's.
  const money = await openFinance(config, store, logger)
  const engine = createSyncEngine({ store, extensions: [money.finance.engineExtension] })
  const work = new Map<string, TenantWork>()
  const workFor = (tenant: string): TenantWork => {
    const cached = work.get(tenant)
    if (cached) return cached
    const tenantConfig = config.tenants[tenant]
    if (!tenantConfig) throw new Error(`unknown tenant "${tenant}"`)
    const steps: Step[] = []
    if (tenantConfig.zoho) {
      const currency = tenantConfig.defaultCurrency
      const fieldMap = currency
        ? withFieldMap(defaultFieldMap, { defaultCurrency: currency })
        : defaultFieldMap
      steps.push(...zohoPullSteps({ client: createZohoClient(tenantConfig.zoho), engine, store, fieldMap }))
    }
    steps.push(parkedReplayStep(engine))
    const made = { store, engine, runner: createStepRunner({ store, steps }) }
    work.set(tenant, made)
    return made
  }
  const heartbeatSeconds = Number(process.env.WORKER_HEARTBEAT_SECONDS ?? 30)
  const jobs = createEdusyncJobs({
    connectionString: config.DATABASE_URL,
    workFor,
    heartbeatSeconds,
    onError: (error) => logger.warn('job failed', { error: error.message }),
  })
  const started = await jobs.start().andThen(() => jobs.work({ stepsConcurrency: 2, replayConcurrency: 2 }))
  if (started.isErr()) throw started.error
  logger.info('worker started', { tenants: Object.keys(config.tenants), heartbeatSeconds })
  const stop = (signal: string) => {
    logger.info('worker stopping: finishing jobs in hand', { signal })
    void jobs
      .stop({ graceful: true, timeoutMs: config.SHUTDOWN_TIMEOUT_MS })
      .then(() => Promise.allSettled([store.close(), money.close()]))
      .then(() => process.exit(0))
  }
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
