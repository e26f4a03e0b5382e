import { spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeOwnedTempDir, processAlive } from '../../../test/owned-temp.ts'
import { sweepStaleClusters } from './pg-server.ts'

// Each case starts a real cluster in a child process (test/pg-server-child.ts) with a temp dir of its own,
// ends that process one way or another, and looks at what is left: the postmaster and the directory.
let parent: string

beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), 'edusync-pg-server-test-'))
  // PostgreSQL runs as `postgres` under root: it must reach its directory inside this one.
  chmodSync(parent, 0o711)
})
afterEach(() => {
  // A failed case may leave a cluster whose owner (the child) is gone: stop it before removing the lot.
  sweepStaleClusters(parent)
  rmSync(parent, { recursive: true, force: true })
})

interface Started {
  readonly dir: string
  readonly postmaster: number
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  kill(signal: NodeJS.Signals): void
}

async function startChild(how: 'exit' | 'throw' | 'wait'): Promise<Started> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'pg-server-child.ts'), how],
    { env: { ...process.env, TMPDIR: parent }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  let output = ''
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const dir = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const line = /^\{.*\}$/m.exec(output)
      if (line) resolve((JSON.parse(line[0]) as { dir: string }).dir)
    })
    void exited.then(() => reject(new Error(`the child ended before its cluster started: ${output}`)))
  })
  const postmaster = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0])
  return { dir, postmaster, exited, kill: (signal) => child.kill(signal) }
}

describe('a throw-away PostgreSQL cluster (test/pg-server.ts)', () => {
  it.each([
    ['returns normally', 'exit', undefined, { code: 0, signal: null }],
    ['dies of an uncaught error', 'throw', undefined, { code: 1, signal: null }],
    ['gets SIGINT', 'wait', 'SIGINT', { code: null, signal: 'SIGINT' }],
    ['gets SIGTERM', 'wait', 'SIGTERM', { code: null, signal: 'SIGTERM' }],
  ] as const)(
    'is stopped and its directory removed when its process %s',
    async (_, how, signal, ending) => {
      const started = await startChild(how)
      expect(processAlive(started.postmaster)).toBe(true)
      if (signal) started.kill(signal)
      // The process still dies of the signal (or error) it got: stopping the cluster does not swallow it.
      expect(await started.exited).toEqual(ending)
      expect(processAlive(started.postmaster)).toBe(false)
      expect(existsSync(started.dir)).toBe(false)
    },
    60_000,
  )

  it('outlives SIGKILL only until the next sweep, which leaves live owners and unowned directories alone', async () => {
    const started = await startChild('wait')
    started.kill('SIGKILL')
    await started.exited
    expect(processAlive(started.postmaster)).toBe(true)
    // Owned by this (living) process, and made by something else (no owner file): both not ours to remove.
    const alive = makeOwnedTempDir('edusync-pg-', { parent })
    const unowned = join(parent, 'edusync-pg-unowned')
    mkdirSync(unowned)

    expect(sweepStaleClusters(parent)).toEqual([started.dir])
    expect(processAlive(started.postmaster)).toBe(false)
    expect(existsSync(started.dir)).toBe(false)
    expect([existsSync(alive), existsSync(unowned)]).toEqual([true, true])
  }, 60_000)
})
