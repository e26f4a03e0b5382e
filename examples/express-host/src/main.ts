import type { Server } from 'node:http'
import { createApp } from './app.ts'
import { loadConfig } from './config.ts'
import { createLogger } from './logging.ts'
import { replayParkedOnStart } from './replay-on-start.ts'
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
  const { store, kind, migrated } = await openStore(config)
  const { app, state, moodle } = createApp({ config, store, logger })
  const server: Server = app.listen(config.PORT, config.HOST)
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.PORT
  logger.info('listening', {
    url: `http://${config.HOST}:${port}`,
    store: kind,
    migrated,
    tenants: Object.keys(config.tenants),
  })
  // Parked records whose parents were written just before a previous process stopped; runs beside the
  // traffic (the engine is safe under concurrent writers).
  void replayParkedOnStart(store, Object.keys(config.tenants), logger)
  // Moodle plugin events stored while no process was running them (or left by a crash) are drained now.
  for (const tenant of Object.keys(config.tenants)) {
    void moodle.drain(tenant)
    // A token missing a capability is reported now, by function name, not at the first provisioning.
    void moodle.preflight(tenant)
  }

  let stopping = false
  const shutdown = (signal: string) => {
    if (stopping) return
    stopping = true
    state.shuttingDown = true
    logger.info('shutting down', { signal })
    const timer = setTimeout(() => {
      logger.warn('shutdown timeout: closing remaining connections')
      server.closeAllConnections()
    }, config.SHUTDOWN_TIMEOUT_MS)
    timer.unref()
    // close() stops accepting and waits for in-flight requests. Keep-alive sockets are closed as soon as
    // they are idle (now, and whenever a request in flight finishes), so they do not hold the exit.
    const idle = setInterval(() => server.closeIdleConnections(), 50)
    idle.unref()
    server.close(() => {
      clearTimeout(timer)
      clearInterval(idle)
      void store.close().then(() => {
        logger.info('stopped')
        logger.flush()
        process.exit(0)
      })
    })
    server.closeIdleConnections()
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
