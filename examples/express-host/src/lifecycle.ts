import type { Server } from 'node:http'
import type { Store, SyncExtension } from '@edusync/core'
import type { HostConfig } from './config.ts'
import type { Logger } from './logging.ts'
import type { MoodleSide } from './moodle/moodle-side.ts'
import { replayParkedOnStart } from './replay-on-start.ts'
import type { HostState } from './wiring.ts'

/** What {@link runServer} manages: a Node HTTP server (any framework's), its Store and shutdown switch. */
export interface RunServerOptions {
  readonly config: HostConfig
  readonly logger: Logger
  readonly store: Store
  readonly state: HostState
  /** The server, already told to listen on `HOST:PORT`. */
  readonly server: Server
  /** Where the Store lives, for the startup line. */
  readonly storeKind: string
  readonly migrated: readonly string[]
  /** Closes what else the host opened (the finance side...), beside the Store, once requests are done. */
  readonly close?: (() => Promise<unknown>) | undefined
  /** Engine extensions whose parked records the start-up replay releases too (finance). */
  readonly extensions?: readonly SyncExtension[]
  /**
   * Stops background work the requests started (see the route table's `stopBackground`), awaited once
   * requests are done and before the Store closes, so that work never writes to a closed Store.
   */
  readonly stopBackground?: (() => Promise<unknown>) | undefined
}

/**
 * Runs a host's server until SIGINT/SIGTERM: logs `listening`, replays parked records beside the traffic,
 * and on a signal stops accepting connections, lets in-flight requests finish (up to
 * SHUTDOWN_TIMEOUT_MS), closes the Store and exits 0. Framework independent: Express and Hono share it.
 */
export async function runServer(options: RunServerOptions): Promise<{ fatal: () => void }> {
  const { config, logger, store, state, server } = options
  await new Promise<void>((resolve, reject) => {
    if (server.listening) resolve()
    server.once('listening', resolve)
    server.once('error', reject)
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.PORT
  logger.info('listening', {
    url: `http://${config.HOST}:${port}`,
    store: options.storeKind,
    migrated: options.migrated,
    tenants: Object.keys(config.tenants),
  })
  // Parked records whose parents were written just before a previous process stopped; runs beside the
  // traffic (the engine is safe under concurrent writers).
  void replayParkedOnStart(store, Object.keys(config.tenants), logger, options.extensions)

  let stopping = false
  let exitCode = 0
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
      void stopBackground(options, logger)
        .then(() => Promise.all([store.close(), options.close?.()]))
        .finally(() => {
          logger.info('stopped')
          logger.flush()
          process.exit(exitCode)
        })
    })
    server.closeIdleConnections()
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  // Something the process cannot serve without (an embedded database that cannot be reopened): stop the
  // same way, then exit 1 so the supervisor restarts it.
  return {
    fatal: () => {
      exitCode = 1
      shutdown('fatal store error')
    },
  }
}

/**
 * Drains, for every tenant, the Moodle plugin events stored while no process was running them (or left by
 * a crash), and reports a token missing a capability now, by function name, not at the first provisioning.
 */
export function startMoodleSide(config: HostConfig, moodle: MoodleSide): void {
  for (const tenant of Object.keys(config.tenants)) {
    void moodle.drain(tenant)
    void moodle.preflight(tenant)
  }
}

/** Reports a failed start on stderr and exits 1 (the configuration error lists every problem). */
export function failStart(error: unknown): never {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}

// Background work stops between its steps; one step still waiting on an upstream API is given at most
// SHUTDOWN_TIMEOUT_MS, so a hung call never holds the exit.
async function stopBackground(options: RunServerOptions, logger: Logger): Promise<void> {
  if (!options.stopBackground) return
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.config.SHUTDOWN_TIMEOUT_MS)
    timer.unref()
  })
  try {
    const outcome = await Promise.race([options.stopBackground(), timeout])
    if (outcome === 'timeout') logger.warn('shutdown timeout: background work still running')
  } catch (error) {
    logger.warn('background work did not stop cleanly', { error })
  } finally {
    clearTimeout(timer)
  }
}
