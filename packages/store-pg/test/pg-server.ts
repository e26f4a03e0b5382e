import { execFileSync, spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A running throw-away PostgreSQL cluster. */
export interface PgServer {
  readonly url: string
  stop(): void
}

/**
 * Starts a throw-away PostgreSQL cluster on 127.0.0.1, the way scripts/with-postgres.sh does (as the
 * `postgres` user when running as root), for test runs and benchmarks not wrapped by that script.
 */
export async function startPostgres(settings: readonly string[] = []): Promise<PgServer> {
  const bin = findBin()
  if (!bin) {
    throw new Error('PostgreSQL binaries not found: set DATABASE_URL or run via scripts/with-postgres.sh')
  }
  const workdir = mkdtempSync(join(tmpdir(), 'edusync-pg-'))
  const root = process.getuid?.() === 0
  const asPg = (cmd: string, args: string[]): [string, string[]] =>
    root ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]
  if (root) {
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
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      spawnSync(...asPg(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']), { stdio: 'ignore' })
      rmSync(workdir, { recursive: true, force: true })
    },
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
