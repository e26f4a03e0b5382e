import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPgStore } from '@edusync/store-pg'
import { afterAll, describe, expect, it, onTestFinished } from 'vitest'
import { SECRETS, tenant } from './host.ts'

// DATA_DIR inside a directory of its own: the host keeps its finance side in `<DATA_DIR>-finance`, beside it.
const parent = mkdtempSync(join(tmpdir(), 'edusync-host-'))
const dataDir = join(parent, 'pglite')

afterAll(() => rmSync(parent, { recursive: true, force: true }))

describe('graceful shutdown', () => {
  it('lets a request in flight finish on SIGTERM, then closes the Store and exits 0', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@edusync/source', 'src/main.ts'],
      {
        cwd: join(import.meta.dirname, '..'),
        env: {
          ...process.env,
          PORT: '0',
          DATA_DIR: dataDir,
          DATABASE_URL: '',
          EDUSYNC_TENANTS: JSON.stringify({ acme: tenant() }),
        },
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
    const url = await new Promise<URL>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const match = /"msg":"listening","url":"([^"]+)"/.exec(output)
        if (match?.[1]) resolve(new URL(match[1]))
      })
      void exited.then((code) => reject(new Error(`host exited early (${code}): ${output}`)))
    })

    const body = JSON.stringify([
      { id: '4876876000004400001', firstName: 'Ayşe', lastName: 'Yılmaz', status: 'active' },
    ])
    const half = Math.floor(body.length / 2)
    const reply = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: '/api/acme/sync/student',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${SECRETS.apiToken}`,
          },
        },
        (res) => {
          let text = ''
          res.on('data', (c: Buffer) => {
            text += c.toString()
          })
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
        },
      )
      req.on('error', reject)
      // Half the body now; the rest after SIGTERM, so the request is in flight while the host stops.
      req.write(body.slice(0, half))
      setTimeout(() => {
        child.kill('SIGTERM')
        setTimeout(() => req.end(body.slice(half)), 200)
      }, 300)
    })

    const { status, text } = await reply
    expect(status).toBe(200)
    expect(JSON.parse(text).counts).toMatchObject({ total: 1, new: 1 })
    expect(await exited).toBe(0)
    expect(output).toContain('"msg":"shutting down"')
    expect(output).toContain('"msg":"stopped"')

    // The write was committed before the Store closed: reopen the data directory and find it.
    const store = createPgStore({ dataDir })
    try {
      expect((await store.countRecords('acme', 'student'))._unsafeUnwrap()).toBe(1)
    } finally {
      await store.close()
    }
    // A whole host process (tsx compile, PGlite boot, migrations) starts inside this test: seconds when
    // quiet, 20 s and more on a loaded 2-core machine, so the file's 30 s default is too tight here.
  }, 120_000)
})
