import { hostname } from 'node:os'
import { createSyncEngine } from '@edusync/core'
import type { Step } from '@edusync/core/steps'
import { createStepRunner, parkedReplayStep } from '@edusync/core/steps'
import type { TenantWork } from '@edusync/jobs'
import { createEdusyncJobs, watchRegistrySchedules } from '@edusync/jobs'
import { createMoodleClient, dashboardPushStep, gradePushStep, moodleInboxStep } from '@edusync/moodle'
import { customersStep } from '@edusync/quickbooks'
import { createZohoClient, defaultFieldMap, upsertGrades, withFieldMap, zohoPullSteps } from '@edusync/zoho'
import { loadConfig } from './config.ts'
import { openFinance } from './finance.ts'
import { createLogger } from './logging.ts'
import { dashboardEnabled } from './moodle/dashboard-push.ts'
import { quickbooksFromEnv } from './quickbooks/quickbooks-env.ts'
import { loadSecretBox, openHostRegistry, openRegistry } from './registry.ts'
import { openStore } from './store.ts'

/**
 * Worker mode (`pnpm --filter @edusync/example-express-host worker`): works edusync's pg-boss queues
 * (steps runs, parked replays, schedules) beside the web processes, on the same PostgreSQL. Start as many
 * as the work needs: pg-boss gives each job to one worker, and a job whose worker dies is retried on
 * another once its heartbeat lapses (WORKER_HEARTBEAT_SECONDS, default 30).
 *
 * Steps, in order: the tenant's Zoho pulls, `moodle:inbox`, `moodle:grade-push` (with Zoho), parked
 * replay, `quickbooks:customers` (with QUICKBOOKS_*). The tenant registry's stored schedules become pg-boss
 * schedules (synced at start and every WORKER_SCHEDULE_SYNC_SECONDS, default 30; a removed or disabled one
 * is unscheduled); with a key ring (EDUSYNC_CONFIG_KEYS) the registry's tenants and connections are loaded
 * too, as the web host does.
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
  const quickbooks = quickbooksFromEnv(process.env, store)
  const registry = await openRegistry(config)
  // With a key ring, the registry's tenants and connections join `config.tenants` (kept fresh).
  const secrets = loadSecretBox(process.env)
  const hosted = secrets
    ? await openHostRegistry({ config, env: process.env, registry, secrets, store, logger })
    : undefined
  const work = new Map<string, TenantWork>()
  const workFor = (tenant: string): TenantWork => {
    const cached = work.get(tenant)
    if (cached) return cached
    const tenantConfig = config.tenants[tenant]
    if (!tenantConfig) throw new Error(`unknown tenant "${tenant}"`)
    const steps: Step[] = []
    // The token store the host's processes share, so the worker reuses their Zoho access token.
    const zoho = tenantConfig.zoho
      ? createZohoClient({ ...tenantConfig.zoho, tokenStore: store.tokenStore, tenant })
      : undefined
    if (zoho) {
      const currency = tenantConfig.defaultCurrency
      const fieldMap = currency
        ? withFieldMap(defaultFieldMap, { defaultCurrency: currency })
        : defaultFieldMap
      steps.push(...zohoPullSteps({ client: zoho, engine, store, fieldMap }))
    }
    steps.push(moodleInboxStep({ store, engine }))
    if (zoho) steps.push(gradePushStep({ store, upsert: () => (grades) => upsertGrades(zoho, grades) }))
    steps.push(parkedReplayStep(engine))
    if (quickbooks?.client(tenant)) {
      steps.push(
        customersStep({
          client: (t) => quickbooks.client(t),
          ledger: store.pushLedger,
          store,
          subjects: (t, kinds) => quickbooks.subjects(t, kinds),
          worker: `express-host-worker:${process.pid}`,
        }),
      )
    }
    // The dashboard push as a job (`push:moodle-dashboard`): backfills (`backfill`), retries (`replay`).
    if (tenantConfig.moodle) {
      const moodle = createMoodleClient({ url: tenantConfig.moodle.url, token: tenantConfig.moodle.token })
      steps.push(
        dashboardPushStep({
          store,
          ledger: store.pushLedger,
          api: moodle.dashboard,
          worker: `worker:${hostname()}:${process.pid}`,
          enabled: (t) => dashboardEnabled(config, t),
        }),
      )
    }
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
  const schedules = watchRegistrySchedules(jobs, registry, {
    intervalMs: Number(process.env.WORKER_SCHEDULE_SYNC_SECONDS ?? 30) * 1000,
    ...(process.env.WORKER_SCHEDULE_TZ ? { tz: process.env.WORKER_SCHEDULE_TZ } : {}),
    onReport: (report) =>
      logger.info('schedules synced from the tenant registry', {
        scheduled: report.scheduled,
        unscheduled: report.unscheduled,
        invalid: report.invalid,
      }),
    onError: (error) => logger.warn('schedule sync failed', { error: error.message }),
  })
  logger.info('worker started', { tenants: Object.keys(config.tenants), heartbeatSeconds })
  const stop = (signal: string) => {
    logger.info('worker stopping: finishing jobs in hand', { signal })
    hosted?.stop()
    void schedules
      .stop()
      .then(() => jobs.stop({ graceful: true, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }))
      .then(() => Promise.allSettled([store.close(), money.close(), registry.close()]))
      .then(() => process.exit(0))
  }
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
