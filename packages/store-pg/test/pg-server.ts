import { execFileSync, spawnSync } from 'node:child_process'
import { chownSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeOwnedTempDir, processAlive, sweepDeadOwners } from '../../../test/owned-temp.ts'

/** A running throw-away PostgreSQL cluster. */
export interface PgServer {
  readonly url: string
  /** The cluster's directory (`data/` inside holds the cluster, `server.log` its log). */
  readonly dir: string
  /** Stops the server and removes its directory. Safe to call twice. */
  stop(): void
}

/** Name prefix of a cluster's directory in the temp dir (scripts/with-postgres.sh uses the same). */
export const CLUSTER_PREFIX = 'edusync-pg-'

const isRoot = () => process.getuid?.() === 0
const asPg = (cmd: string, args: string[]): [string, string[]] =>
  isRoot() ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]

/**
 * Starts a throw-away PostgreSQL cluster on 127.0.0.1, the way scripts/with-postgres.sh does (as the
 * `postgres` user when running as root), for test runs and benchmarks not wrapped by that script.
 *
 * The cluster does not outlive this process: it is stopped by `stop()`, and otherwise when the process
 * exits (normally, by `process.exit`, on an uncaught error) or gets SIGINT, SIGTERM or SIGHUP. Only
 * SIGKILL escapes that; the next start removes clusters whose owner process is gone (see
 * {@link sweepStaleClusters}).
 */
export async function startPostgres(settings: readonly string[] = []): Promise<PgServer> {
  const bin = findBin()
  if (!bin) {
    throw new Error('PostgreSQL binaries not found: set DATABASE_URL or run via scripts/with-postgres.sh')
  }
  sweepStaleClusters()
  const workdir = makeOwnedTempDir(CLUSTER_PREFIX)
  let stopped = false
  const stop = () => {
    if (stopped) return
    stopped = true
    running.delete(stop)
    stopCluster(bin, workdir, 'fast')
    rmSync(workdir, { recursive: true, force: true })
  }
  // Registered before initdb: a failed start removes what it made too.
  running.add(stop)
  stopOnExit()
  try {
    if (isRoot()) {
      if (spawnSync('id', ['postgres']).status !== 0) {
        execFileSync('useradd', ['--system', '--home-dir', workdir, 'postgres'])
      }
      chownSync(workdir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), -1)
    }
    const port = await freePort()
    const data = join(workdir, 'data')
    const initdb = ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C']
    execFileSync(...asPg(join(bin, 'initdb'), initdb), { stdio: 'ignore' })
    const options = [`-h 127.0.0.1 -p ${port} -k ${workdir} -c max_connections=200`, ...settings].join(' -c ')
    const log = join(workdir, 'server.log')
    execFileSync(
      ...asPg(join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-w', '-t', '60', '-o', options, 'start']),
      {
        stdio: 'ignore',
      },
    )
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, dir: workdir, stop }
  } catch (error) {
    stop()
    throw error
  }
}

/**
 * Stops and removes the clusters in `parent` (default: the temp dir) left by processes that died without
 * stopping them (SIGKILL, an OOM kill). A cluster whose owner is alive, or that names no owner (not made
 * by this mechanism), is left alone. Returns the directories removed.
 */
export function sweepStaleClusters(parent: string = tmpdir()): string[] {
  const bin = findBin()
  return sweepDeadOwners(
    CLUSTER_PREFIX,
    (dir) => (bin ? stopCluster(bin, dir, 'immediate') : !serverRunning(dir)),
    parent,
  )
}

/** The clusters this process started and has not stopped yet. */
const running = new Set<() => void>()
let hooked = false

/** Stops this process's clusters when it exits or is told to stop (hooks installed once per process). */
function stopOnExit() {
  if (hooked) return
  hooked = true
  const stopAll = () => {
    for (const stop of [...running]) stop()
  }
  // 'exit' also runs after an uncaught exception or unhandled rejection, and after process.exit().
  process.once('exit', stopAll)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      stopAll()
      // Nobody else handles it (vitest does, with process.exit): die of it as if we had not listened.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
    })
  }
}

/**
 * Stops the cluster of `workdir` if it runs (`immediate` for a stale one: nothing to flush for).
 * Returns whether no server runs from it any more.
 */
function stopCluster(bin: string, workdir: string, mode: 'fast' | 'immediate'): boolean {
  const data = join(workdir, 'data')
  if (!existsSync(join(data, 'postmaster.pid'))) return true
  spawnSync(...asPg(join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']), {
    stdio: 'ignore',
  })
  return !serverRunning(workdir)
}

/** Whether the postmaster named in `workdir`'s data directory is alive. */
function serverRunning(workdir: string): boolean {
  try {
    return processAlive(Number(readFileSync(join(workdir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]))
  } catch {
    return false
  }
}

function findBin(): string | undefined {
  const base = '/usr/lib/postgresql'
  if (!existsSync(base)) return undefined
  for (const version of readdirSync(base).sort().reverse()) {
    const dir = join(base, version, 'bin')
    if (existsSync(join(dir, 'initdb'))) return dir
  }
  return undefined
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
