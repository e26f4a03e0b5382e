import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Temporary directories owned by a process: `<prefix>XXXXXX` holds an `owner` file naming the process
 * that made it (its pid and, on Linux, its start time, so a reused pid is not mistaken for the owner).
 * A run killed before it could clean up (SIGKILL, a machine reboot) leaves such a directory behind; the
 * next run of the same mechanism removes it once its owner is provably gone, and never one whose owner is
 * alive (other people's runs on a shared machine). scripts/owned-temp.sh (with-postgres.sh, with-redis.sh)
 * writes the same file.
 */

/** The name of the file in an owned directory that names its owner. */
export const OWNER_FILE = 'owner'

/** Fields 3 and on of /proc/<pid>/stat (state first), if readable. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return undefined
  }
}

/** A process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), if readable. */
const startTime = (pid: number): string | undefined => statFields(pid)?.[19]

/**
 * Whether process `pid` runs: it exists (under any user) and is not a zombie (a dead process nobody has
 * reaped yet, common for daemons in containers whose init does not reap).
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    // EPERM: the process exists under another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  return statFields(pid)?.[0] !== 'Z'
}

/**
 * Creates `<parent>/<prefix>XXXXXX` owned by this process. `traversable` opens it to other users for
 * traversal only (mode 0711): a server run as another user (PostgreSQL as `postgres` under root) can then
 * reach a directory made inside it.
 */
export function makeOwnedTempDir(prefix: string, options: { parent?: string; traversable?: boolean } = {}) {
  const dir = mkdtempSync(join(options.parent ?? tmpdir(), prefix))
  if (options.traversable) chmodSync(dir, 0o711)
  writeFileSync(join(dir, OWNER_FILE), `${process.pid} ${startTime(process.pid) ?? ''}\n`)
  return dir
}

/**
 * Whether the process that owns `dir` is still running: `undefined` when `dir` names no owner (not made
 * by this mechanism, or still being made), so it must be left alone.
 */
export function ownerAlive(dir: string): boolean | undefined {
  let text: string
  try {
    text = readFileSync(join(dir, OWNER_FILE), 'utf8')
  } catch {
    return undefined
  }
  const [pidText, started] = text.trim().split(' ')
  const pid = Number(pidText)
  if (!Number.isInteger(pid) || pid <= 0) return undefined
  if (!processAlive(pid)) return false
  // Same pid, other start time: the owner died and the pid was handed to an unrelated process.
  const now = started ? startTime(pid) : undefined
  return !(started && now && now !== started)
}

/**
 * Removes every `<parent>/<prefix>*` directory whose owner is gone. `release(dir)` runs first (stop a
 * server still running from it, ...) and returns false to keep the directory (it could not be released).
 * Returns the directories removed.
 */
export function sweepDeadOwners(
  prefix: string,
  release: (dir: string) => boolean = () => true,
  parent: string = tmpdir(),
): string[] {
  if (!existsSync(parent)) return []
  const removed: string[] = []
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue
    const dir = join(parent, name)
    if (ownerAlive(dir) !== false) continue
    try {
      if (!release(dir)) continue
      rmSync(dir, { recursive: true, force: true })
      removed.push(dir)
    } catch {
      // Another run swept it at the same moment, or it is not ours to remove after all: leave it.
    }
  }
  return removed
}
