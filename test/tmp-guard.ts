import { readdirSync, rmSync } from 'node:fs'
import { sweepStaleClusters } from '../packages/store-pg/test/pg-server.ts'
import { makeOwnedTempDir, OWNER_FILE, sweepDeadOwners } from './owned-temp.ts'

/**
 * A vitest globalSetup every project lists first: the run gets a fresh temp dir of its own
 * (`TMPDIR=<tmp>/edusync-run-XXXXXX`, inherited by the test workers and every process they start), and at
 * the end the run fails if anything named `edusync-*` is left in it: a test, fixture, global setup or
 * server that did not remove what it made. The directory is removed either way, so a failed run leaves
 * nothing behind either; comparing only this run's own directory keeps the check exact on a machine where
 * other runs use the temp dir at the same time.
 *
 * Several projects in one vitest process share one directory (their setups run in one process, one
 * after the other, and their teardowns in reverse order): the first setup makes it, the last teardown
 * checks and removes it. A run killed with SIGKILL leaves its directory (and maybe a PostgreSQL cluster in
 * it); the next run removes it once its owner process is gone.
 */

const PREFIX = 'edusync-run-'
const SHARED = Symbol.for('edusync.tmp-guard')

interface Shared {
  readonly dir: string
  readonly previous: string | undefined
  users: number
}

type WithShared = typeof globalThis & { [SHARED]?: Shared }

/** Starts the guard (or joins the one another project of this vitest process started). */
export default function setup(): () => void {
  const global = globalThis as WithShared
  let shared = global[SHARED]
  if (!shared) {
    // Clusters of dead processes in the temp dir itself (a benchmark killed with SIGKILL), and runs
    // killed before their teardown: their clusters first, then their directories.
    sweepStaleClusters()
    sweepDeadOwners(PREFIX, (dir) => {
      sweepStaleClusters(dir)
      return readdirSync(dir).every((name) => !name.startsWith('edusync-pg-'))
    })
    const dir = makeOwnedTempDir(PREFIX, { traversable: true })
    shared = { dir, previous: process.env.TMPDIR, users: 0 }
    global[SHARED] = shared
    process.env.TMPDIR = dir
  }
  shared.users += 1
  const mine = shared
  return () => {
    mine.users -= 1
    if (mine.users > 0) return
    delete global[SHARED]
    if (mine.previous === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = mine.previous
    const left = readdirSync(mine.dir).filter((name) => name !== OWNER_FILE && name.startsWith('edusync-'))
    rmSync(mine.dir, { recursive: true, force: true })
    if (left.length > 0) {
      throw new Error(
        `the tests left ${left.length} temporary entr${left.length === 1 ? 'y' : 'ies'} behind (now removed): ${left.join(', ')}; ` +
          'remove each temp dir or file where it is made (afterEach/afterAll/finally), also when the test fails',
      )
    }
  }
}
