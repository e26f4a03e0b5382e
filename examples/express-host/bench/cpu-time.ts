/**
 * CPU time of the processes a benchmark run involves, read from Linux `/proc` (user + system, in ms), so
 * a run can say what one request costs each of them whatever else the machine was doing: throughput on
 * a shared machine moves with its load, CPU per request does not.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

// Linux reports process times in clock ticks; USER_HZ is 100 on every architecture Node supports.
const MS_PER_TICK = 10

/** User + system CPU milliseconds `pid` has used so far, or 0 once it is gone (or off Linux). */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces, hence the last ')'): state is field 3,
    // utime 14 and stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK
  } catch {
    return 0
  }
}

/**
 * User + system CPU milliseconds of a PostgreSQL server so far: its postmaster and every process it
 * started (backends, WAL writer, checkpointer...), found through the postmaster's pid in `dataDir`.
 * `undefined` when the server is not local (no data directory given or readable).
 */
export function postgresCpuMs(dataDir: string | undefined): number | undefined {
  if (!dataDir) return undefined
  let postmaster: number
  try {
    postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
  } catch {
    return undefined
  }
  let total = processCpuMs(postmaster)
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === postmaster) total += processCpuMs(Number(entry))
    } catch {
      // The process ended while the table was read.
    }
  }
  return total
}

/** CPU milliseconds this process has used so far (user + system). */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}
