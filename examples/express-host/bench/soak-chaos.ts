/**
 * The soak's faults on the Store side: terminating the host's PostgreSQL connections (its pool meets
 * dead sockets mid-query) and restarting the server once (every connection drops and new ones are
 * refused until it is back).
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import pg from 'pg'

/** The application_name the soak gives the host's connections, so only they are terminated. */
export const HOST_APPLICATION_NAME = 'edusync-soak-host'

/**
 * Terminates every backend of the host (by application name) and returns how many there were. A failure
 * (the server restarting) counts as none.
 */
export async function killHostConnections(databaseUrl: string): Promise<number> {
  const client = new pg.Client({
    connectionString: databaseUrl,
    application_name: 'edusync-soak',
    connectionTimeoutMillis: 2_000,
  })
  try {
    await client.connect()
    const result = await client.query<{ killed: string }>(
      'select count(pg_terminate_backend(pid)) as killed from pg_stat_activity where application_name = $1',
      [HOST_APPLICATION_NAME],
    )
    return Number(result.rows[0]?.killed ?? 0)
  } catch {
    return 0
  } finally {
    await client.end().catch(() => undefined)
  }
}

/**
 * Restarts the PostgreSQL server `scripts/with-postgres.sh` started (`pg_ctl restart -m fast`, which
 * disconnects every client at once), as the `postgres` user when the script ran as root. Resolves with
 * how long the restart took.
 */
export function restartPostgres(): Promise<number> {
  const bin = process.env.EDUSYNC_PG_BIN
  const data = process.env.EDUSYNC_PG_DATA
  if (!bin || !data) {
    return Promise.reject(
      new Error('EDUSYNC_PG_BIN/EDUSYNC_PG_DATA are unset: run the soak under scripts/with-postgres.sh'),
    )
  }
  const pgCtl = [join(bin, 'pg_ctl'), '-D', data, '-m', 'fast', '-w', '-t', '60', 'restart']
  const command = process.env.EDUSYNC_PG_AS_POSTGRES ? ['runuser', '-u', 'postgres', '--', ...pgCtl] : pgCtl
  const started = performance.now()
  return new Promise((resolve, reject) => {
    // Asynchronous on purpose: the senders keep sending while the server is down.
    const child = spawn(command[0] as string, command.slice(1), {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
    })
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString()
    })
    child.once('error', reject)
    child.once('exit', (code) =>
      code === 0
        ? resolve(performance.now() - started)
        : reject(new Error(`pg_ctl restart exited ${code}: ${stderr}`)),
    )
  })
}
