import { createApp } from './app.ts'
import { loadConfig } from './config.ts'
import { openFinance } from './finance.ts'
import { failStart, runServer, startMoodleSide } from './lifecycle.ts'
import { createLogger } from './logging.ts'
import { quickbooksFromEnv } from './quickbooks/quickbooks-env.ts'
import { loadSecretBox, openHostRegistry, openRegistry } from './registry.ts'
import { openStore } from './store.ts'

/**
 * Starts the host: validated config -> Store (migrated) -> Express on HOST:PORT. SIGINT/SIGTERM stop
 * accepting connections, let in-flight requests finish (up to SHUTDOWN_TIMEOUT_MS), then close the Store.
 */
async function main(): Promise<void> {
  const config = loadConfig()
  const logger = createLogger(config.LOG_LEVEL)
  if (config.demoTenants) {
    logger.warn(
      'EDUSYNC_TENANTS is not set: serving the demo tenant "demo" with the demo secrets from the README',
    )
  }
  let fatal: (() => void) | undefined
  const { store, kind, migrated } = await openStore(config, ({ error, recoverable }) => {
    // A PGlite on disk is reopened by the Store on the next call (health recovers by itself); anything
    // else cannot serve again in this process: stop, exit non-zero, and let the supervisor restart us.
    if (recoverable) {
      logger.warn('embedded database crashed; reopening it from disk', { error })
      return
    }
    logger.error('embedded database crashed and cannot be reopened; exiting for a restart', { error })
    fatal?.()
  })
  const quickbooks = quickbooksFromEnv(process.env, store)
  const money = await openFinance(config, store, logger)
  // The tenant registry and its config API, when a key ring is configured (else: env tenants only).
  const secrets = loadSecretBox(process.env)
  const registry = secrets ? await openRegistry(config) : undefined
  const hosted =
    secrets && registry
      ? await openHostRegistry({ config, env: process.env, registry, secrets, store, logger })
      : undefined
  const { app, state, moodle, stopBackground } = createApp({
    config,
    store,
    logger,
    quickbooks,
    finance: money.finance,
    pushLedger: store.pushLedger,
    tokenStore: store.tokenStore,
    ...(hosted ? { configApi: hosted.api, moduleEnabled: hosted.directory.moduleEnabled } : {}),
  })
  const server = app.listen(config.PORT, config.HOST)
  const running = await runServer({
    config,
    logger,
    store,
    state,
    server,
    storeKind: kind,
    migrated,
    extensions: [money.finance.engineExtension],
    stopBackground,
    close: () => {
      hosted?.stop()
      return Promise.allSettled([money.close(), registry?.close()])
    },
  })
  fatal = running.fatal
  startMoodleSide(config, moodle)
}

main().catch(failStart)
