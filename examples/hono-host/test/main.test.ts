import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, onTestFinished } from 'vitest'

// DATA_DIR inside a directory of its own: the host keeps its finance side in `<DATA_DIR>-finance`, beside it.
const parent = mkdtempSync(join(tmpdir(), 'edusync-hono-host-'))
const dataDir = join(parent, 'pglite')

afterAll(() => rmSync(parent, { recursive: true, force: true }))

describe('the Hono host process', () => {
  it('serves health with the request id echoed, logs pino lines carrying it, and stops on SIGTERM with exit 0', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@edusync/source', 'src/main.ts'],
      {
        cwd: join(import.meta.dirname, '..'),
        env: { ...process.env, PORT: '0', DATA_DIR: dataDir, DATABASE_URL: '', EDUSYNC_TENANTS: '' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    let output = ''
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    // A failed assertion must not leave the host running (and writing to the directory removed after).
    onTestFinished(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    })
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const match = /"msg":"listening","url":"([^"]+)"/.exec(output)
        if (match?.[1]) resolve(match[1])
      })
      void exited.then((code) => reject(new Error(`host exited early (${code}): ${output}`)))
    })
    const response = await fetch(`${url}/health`, { headers: { 'x-request-id': 'hono-req-1' } })
    expect([response.status, response.headers.get('x-request-id')]).toEqual([200, 'hono-req-1'])
    expect(await response.json()).toEqual({ status: 'ok', store: 'pglite' })
    expect((await fetch(`${url}/nowhere`)).status).toBe(404)
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    const request = output
      .split('\n')
      .filter((l) => l.includes('"msg":"request"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.requestId === 'hono-req-1')
    expect(request).toMatchObject({ level: 'info', method: 'GET', path: '/health', status: 200 })
    expect(output).toContain('"msg":"stopped"')
    // A whole host process boots inside this test (tsx, PGlite, migrations): 20 s and more when loaded.
  }, 120_000)
})
