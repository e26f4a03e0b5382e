import type { ChildProcessByStdio } from 'node:child_process'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import type { Readable } from 'node:stream'

/** A host running as its own process (`src/main.ts`), as a deployment runs it. */
export interface HostProcess {
  readonly url: string
  readonly pid: number
  /** Everything it wrote to stdout so far (JSON log lines). */
  output(): string
  /** Sends a signal: `SIGSTOP` freezes it (timers, sockets, everything), `SIGCONT` resumes it. */
  signal(signal: NodeJS.Signals): void
  /** Kills it (resuming it first if frozen) and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>
}

/** Starts `src/main.ts` with `env` on a free loopback port and resolves once it is listening. */
export async function spawnHost(env: Record<string, string>): Promise<HostProcess> {
  const child: ChildProcessByStdio<null, Readable, null> = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@edusync/source', 'src/main.ts'],
    {
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  let output = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /"msg":"listening","url":"([^"]+)"/.exec(output)
      if (match?.[1]) resolve(match[1])
    })
    void exited.then(() => reject(new Error(`host exited before listening: ${output}`)))
  })
  return {
    url,
    pid: child.pid ?? 0,
    output: () => output,
    signal: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT')
        child.kill('SIGKILL')
      }
      await exited
    },
  }
}
