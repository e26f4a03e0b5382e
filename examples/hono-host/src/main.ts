import { loadConfig } from '@edusync/example-express-host/config'
import { openFinance } from '@edusync/example-express-host/finance'
import { failStart, runServer, startMoodleSide } from '@edusync/example-express-host/lifecycle'
import { createLogger } from '@edusync/example-express-host/logging'
import { quickbooksFromEnv } from '@edusync/example-express-host/quickbooks'
import { openStore } from '@edusync/example-express-host/store'
import { createHonoApp } from './app.ts'
import { createNodeServer } from './node-server.ts'

/** Starts the Hono host: the Express host's configuration, Store and shutdown, Hono in front. */
async function main(): Promise<void> {
  const config = loadConfig()
  const logger = createLogger(config.LOG_LEVEL)
  const { store, kind, migrated } = await openStore(config)
  const quickbooks = quickbooksFromEnv(process.env, store)
  const money = await openFinance(config, store, logger)
  const { app, state, moodle, stopBackground } = createHonoApp({
    config,
    store,
    logger,
    quickbooks,
    finance: money.finance,
    pushLedger: store.pushLedger,
    tokenStore: store.tokenStore,
  })
  const server = createNodeServer(app.fetch).listen(config.PORT, config.HOST)
  await runServer({
    config,
    logger,
    store,
    state,
    server,
    storeKind: kind,
    migrated,
    stopBackground,
    close: money.close,
    // Invoices parked for students replay with the engine's parked records at start.
    extensions: [money.finance.engineExtension],
  })
  startMoodleSide(config, moodle)
}

main().catch(failStart)
