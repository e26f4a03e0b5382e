import { execFileSync, spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the real PostgreSQL server the tests use. */
    databaseUrl: string
  }
}

// Same steps as scripts/with-postgres.sh, for `vitest run` without that wrapper: use DATABASE_URL when
// given, else start a throw-away cluster on 127.0.0.1 (as `postgres` when root) and stop it afterwards.
export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  const given = process.env.DATABASE_URL
  if (given) {
    project.provide('databaseUrl', given)
    return undefined
  }
  const bin = findBin()
  if (!bin) {
    throw new Error(
      'store-pg tests need PostgreSQL: set DATABASE_URL, run via scripts/with-postgres.sh, or install it',
    )
  }
  const workdir = mkdtempSync(join(tmpdir(), 'edusync-pg-vitest-'))
  const root = process.getuid?.() === 0
  const asPg = (cmd: string, args: string[]) =>
    (root ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]) as [string, string[]]
  if (root) {
    if (spawnSync('id', ['postgres']).status !== 0) {
      execFileSync('useradd', ['--system', '--home-dir', workdir, 'postgres'])
    }
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim())
    chownSync(workdir, uid, -1)
  }
  const port = await freePort()
  const data = join(workdir, 'data')
  execFileSync(
    ...asPg(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C']),
    {
      stdio: 'ignore',
    },
  )
  execFileSync(
    ...asPg(join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      join(workdir, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-h 127.0.0.1 -p ${port} -k ${workdir} -c max_connections=200`,
      'start',
    ]),
    { stdio: 'ignore' },
  )
  project.provide('databaseUrl', `postgres://postgres@127.0.0.1:${port}/postgres`)
  return () => {
    spawnSync(...asPg(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']), { stdio: 'ignore' })
    rmSync(workdir, { recursive: true, force: true })
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
