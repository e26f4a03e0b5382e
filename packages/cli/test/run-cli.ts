// Runs the CLI for the end-to-end tests: as a child process (what a user runs), or in process.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { run } from '../src/main.ts'

const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url))
// node itself with tsx's loader (not the tsx wrapper process), so a signal reaches the CLI's own process.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

export interface Ran {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export function cli(
  args: string[],
  options: {
    cwd: string
    env?: Record<string, string>
    onStderr?: (text: string, child: ReturnType<typeof spawn>) => void
    /** Written to the child's standard input, which is then closed (default: closed empty). */
    input?: string
  },
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', tsxLoader, '--conditions=@edusync/source', bin, ...args],
      {
        cwd: options.cwd,
        // TMPDIR too: what the CLI (and tsx) put in the temp dir lands in the run's own (test/tmp-guard.ts).
        env: {
          PATH: process.env.PATH ?? '',
          HOME: options.cwd,
          ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
          ...options.env,
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    )
    // Closed at once without input, as an ignored stdin would be.
    child.stdin.end(options.input ?? '')
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
      options.onStderr?.(stderr, child)
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** The same CLI called in process (`run`), for the checks that need no process boundary: much faster. */
export async function inProcess(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; stdin?: string },
): Promise<Ran> {
  let stdout = ''
  let stderr = ''
  const code = await run(args, {
    cwd: options.cwd,
    env: options.env ?? {},
    signal: new AbortController().signal,
    stdin: async () => (options.stdin ?? '').split('\n')[0] ?? '',
    io: {
      out: (text) => {
        stdout += `${text}\n`
      },
      err: (text) => {
        stderr += `${text}\n`
      },
      interactive: false,
    },
  })
  return { code, stdout, stderr }
}
