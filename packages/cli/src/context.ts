import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { Store, SyncEngine } from '@edusync/core'
import { createSyncEngine } from '@edusync/core'
import { createFinance } from '@edusync/core/finance'
import type { Step, StepRunner } from '@edusync/core/steps'
import { createStepRunner, parkedReplayStep } from '@edusync/core/steps'
import type { PgStore } from '@edusync/store-pg'
import { createPgFinanceStore, createPgStore } from '@edusync/store-pg'
import { createZohoClient, defaultFieldMap, withFieldMap, zohoPullSteps } from '@edusync/zoho'
import type { CliConfig } from './config.ts'
import { DEFAULT_DATA_DIR } from './config.ts'

/** What the commands work with, opened from the configuration. */
export interface CliContext {
  readonly config: CliConfig
  readonly store: PgStore
  readonly engine: SyncEngine
  /** The registered steps in their fixed order: Zoho pulls (when Zoho is configured), then parked replay. */
  readonly runner: StepRunner
  close(): Promise<void>
}

/** Opens the Store (nothing connects until the first call) and registers the steps the config allows. */
export function openContext(config: CliConfig): CliContext {
  const { connectionString, dataDir, schema } = config.store
  // PGlite creates its own directory but not the ones above it (`.data/` on a fresh checkout).
  if (!connectionString && dataDir) mkdirSync(dirname(resolve(dataDir)), { recursive: true })
  const store = createPgStore(
    connectionString
      ? { connectionString, ...(schema ? { schema } : {}) }
      : { dataDir, ...(schema ? { schema } : {}) },
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
  return {
    config,
    store,
    engine,
    runner: createStepRunner({ store, steps: shippedSteps(config, store, engine) }),
    close: async () => {
      await Promise.all([store.close(), financeStore.close()])
    },
  }
}

/** The shipped steps, in execution order. */
function shippedSteps(config: CliConfig, store: Store, engine: SyncEngine): Step[] {
  const steps: Step[] = []
  if (config.zoho) {
    const { defaultCurrency, ...connection } = config.zoho
    const client = createZohoClient(connection)
    const fieldMap = defaultCurrency ? withFieldMap(defaultFieldMap, { defaultCurrency }) : defaultFieldMap
    steps.push(...zohoPullSteps({ client, engine, store, fieldMap }))
  }
  steps.push(parkedReplayStep(engine))
  return steps
}
