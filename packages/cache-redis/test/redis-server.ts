import type { ChildProcess } from 'node:child_process'
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { createConnection, createServer } from 'node:net'

/** A running throw-away redis-server. */
export interface RedisServer {
  readonly url: string
  readonly port: number
  /** Stops the server (SIGKILL: an outage, not a clean shutdown). */
  stop(): Promise<void>
}

function findRedis(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v redis-server || ls /usr/bin/redis-server 2>/dev/null'], {
    encoding: 'utf8',
  })
  const path = found.stdout.trim().split('\n')[0]
  return path ? path : undefined
}

/** The redis-server binary, installed from Debian's `redis-server` package when absent (as root). */
export function ensureRedis(): string {
  const existing = findRedis()
  if (existing) return existing
  if (process.getuid?.() !== 0)
    throw new Error('redis-server not found: install Debian package redis-server or set REDIS_URL')
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
  execFileSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'inherit', env })
  const installed = findRedis()
  if (!installed) throw new Error('redis-server still missing after apt-get install redis-server')
  return installed
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

async function waitForPing(port: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const pong = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'))
      socket.once('data', (data) => {
        socket.destroy()
        resolve(data.toString().startsWith('+PONG'))
      })
      socket.once('error', () => resolve(false))
    })
    if (pong) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`redis-server did not answer PING on 127.0.0.1:${port}`)
}

/**
 * Starts a redis-server on 127.0.0.1 (no persistence, no protected-mode surprises), on `port` or a free
 * one, and waits until it answers PING.
 */
export async function startRedis(port?: number): Promise<RedisServer> {
  const bin = ensureRedis()
  const chosen = port ?? (await freePort())
  const child: ChildProcess = spawn(
    bin,
    [
      '--port',
      String(chosen),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
    ],
    { stdio: 'ignore' },
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  await waitForPing(chosen, Date.now() + 15_000)
  return {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    async stop() {
      if (child.exitCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}
