import { mkdirSync } from 'node:fs'
import { hostname } from 'node:os'
import { dirname, resolve } from 'node:path'
import type { SyncEngine } from '@edusync/core'
import { createSyncEngine } from '@edusync/core'
import { createFinance } from '@edusync/core/finance'
import type { Step, StepRunner } from '@edusync/core/steps'
import { createStepRunner, parkedReplayStep } from '@edusync/core/steps'
import {
  createMoodleClient,
  dashboardOutboxTargets,
  dashboardPushStep,
  gradePushStep,
  moodleInboxStep,
} from '@edusync/moodle'
import { customersStep } from '@edusync/quickbooks'
import type { PgStore } from '@edusync/store-pg'
import { createPgFinanceStore, createPgStore } from '@edusync/store-pg'
import type { ZohoClient, ZohoConfig } from '@edusync/zoho'
import { createZohoClient, defaultFieldMap, upsertGrades, withFieldMap, zohoPullSteps } from '@edusync/zoho'
import { ResultAsync } from 'neverthrow'
import type { CliConfig } from './config.ts'
import { DEFAULT_DATA_DIR } from './config.ts'
import { contractsAccrualsStep } from './contracts.ts'
import type { QuickBooksSetup, QuickBooksSide } from './quickbooks.ts'
import { quickbooksSide } from './quickbooks.ts'

/** What the commands work with, opened from the configuration. */
export interface CliContext {
  readonly config: CliConfig
  readonly store: PgStore
  readonly engine: SyncEngine
  /** The tenant's QuickBooks company, when configured (here or in the tenant registry). */
  readonly quickbooks: QuickBooksSide | undefined
  /** The registered steps in their fixed order (see {@link shippedSteps}). */
  readonly runner: StepRunner
  close(): Promise<void>
}

/**
 * Opens the Store (nothing connects until the first call) and registers the steps the config allows.
 * `cwd` resolves relative paths given as step options (e.g. `--option contracts=contracts.json`).
 */
export function openContext(
  config: CliConfig,
  quickbooks?: QuickBooksSetup,
  cwd: string = process.cwd(),
): CliContext {
  const { connectionString, dataDir, schema } = config.store
  // PGlite creates its own directory but not the ones above it (`.data/` on a fresh checkout).
  if (!connectionString && dataDir) mkdirSync(dirname(resolve(dataDir)), { recursive: true })
  // With the dashboard on, every write records its push in the same transaction (see PushOutbox).
  const outbox = config.moodle?.dashboard ? { outbox: { targets: dashboardOutboxTargets(() => true) } } : {}
  const store = createPgStore(
    connectionString
      ? { connectionString, ...(schema ? { schema } : {}), ...outbox }
      : { dataDir, ...(schema ? { schema } : {}), ...outbox },
  )
  // The finance side of the same database (with PGlite, its own directory beside the Store's, as the
  // host keeps it): its parked invoices replay with the engine's, and it refuses deleting a student with
  // open invoices. Nothing connects until a command needs it.
  const financeStore = createPgFinanceStore(
    connectionString
      ? { connectionString, ...(schema ? { schema } : {}) }
      : { dataDir: `${resolve(dataDir ?? DEFAULT_DATA_DIR)}-finance`, ...(schema ? { schema } : {}) },
  )
  const finance = createFinance({ store, finance: financeStore })
  const engine = createSyncEngine({ store, extensions: [finance.engineExtension] })
  const qb = quickbooks ? quickbooksSide(quickbooks, store, config.tenant) : undefined
  return {
    config,
    store,
    engine,
    quickbooks: qb,
    runner: createStepRunner({
      store,
      steps: [
        ...shippedSteps(config, store, engine, qb),
        contractsAccrualsStep({ finance, contractsFile: config.finance?.contractsFile, cwd }),
      ],
    }),
    close: async () => {
      await Promise.all([store.close(), financeStore.close()])
    },
  }
}

/**
 * The Zoho client configuration of the CLI's tenant (`undefined` without a `zoho` section), on the Store's
 * token store: the access token is kept there, so this run and the hosts (and the next run) share one
 * instead of each spending one of the 10 a Zoho refresh token may mint per 10 minutes, and a refresh token
 * set with `edusync tokens set zoho` is found there.
 */
export function zohoClientConfig(config: CliConfig, store: PgStore): ZohoConfig | undefined {
  if (!config.zoho) return undefined
  const { defaultCurrency: _currency, ...connection } = config.zoho
  return { ...connection, tokenStore: store.tokenStore, tenant: config.tenant }
}

/**
 * The shipped steps, in execution order:
 * 1. `zoho:<module>` pulls in dependency order (when Zoho is configured);
 * 2. `moodle:inbox`: the Moodle plugin events waiting in the Store;
 * 3. `moodle:grade-push`: those grades back to Zoho (when Zoho is configured);
 * 4. `parked-replay`: records whose parents arrived;
 * 5. `quickbooks:customers`: new and changed applicants and students to QuickBooks (when configured);
 * 6. `push:moodle-dashboard`: changed records to the Moodle plugin's student dashboard (when switched on).
 *
 * Beside them (registered by {@link openContext}), the separate step `accruals`, run only when named: the
 * contracts of a JSON file accrued month by month (see {@link contractsAccrualsStep}).
 */
function shippedSteps(
  config: CliConfig,
  store: PgStore,
  engine: SyncEngine,
  qb: QuickBooksSide | undefined,
): Step[] {
  const steps: Step[] = []
  let zoho: ZohoClient | undefined
  const zohoConfig = zohoClientConfig(config, store)
  if (zohoConfig && config.zoho) {
    const { defaultCurrency } = config.zoho
    zoho = createZohoClient(zohoConfig)
    const fieldMap = defaultCurrency ? withFieldMap(defaultFieldMap, { defaultCurrency }) : defaultFieldMap
    steps.push(...zohoPullSteps({ client: zoho, engine, store, fieldMap }))
  }
  steps.push(moodleInboxStep({ store, engine }))
  if (zoho) {
    const client = zoho
    steps.push(gradePushStep({ store, upsert: () => (grades) => upsertGrades(client, grades) }))
  }
  steps.push(parkedReplayStep(engine))
  if (qb) {
    const customers = customersStep({
      client: (tenant) => qb.tenants.client(tenant),
      ledger: store.pushLedger,
      store,
      subjects: (_tenant, kinds) => qb.subjects(kinds, () => {}),
      worker: `edusync-cli:${config.tenant}`,
    })
    // The configured refresh token seeds an empty token store before the first QuickBooks call.
    steps.push({
      ...customers,
      run: (context) =>
        ResultAsync.fromPromise(qb.ready(), (e) => (e instanceof Error ? e : new Error(String(e)))).andThen(
          () => customers.run(context),
        ),
    })
  }
  if (config.moodle?.dashboard) {
    const client = createMoodleClient({ url: config.moodle.url, token: config.moodle.token })
    steps.push(
      dashboardPushStep({
        store,
        ledger: store.pushLedger,
        api: client.dashboard,
        worker: `cli:${hostname()}:${process.pid}`,
      }),
    )
  }
  return steps
}
