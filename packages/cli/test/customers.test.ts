import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fault } from '@edusync/quickbooks/testing'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { MockQuickBooksServer } from './mock-quickbooks-server.ts'
import { startMockQuickBooks } from './mock-quickbooks-server.ts'
import type { MockZoho } from './mock-zoho.ts'
import { startMockZoho, zohoEnv } from './mock-zoho.ts'
import { cli, inProcess } from './run-cli.ts'

// `edusync customers ...` end to end: students pulled from a Zoho stand-in into embedded PGlite, then
// pushed to a QuickBooks stand-in on loopback (the stateful mock company of @edusync/quickbooks/testing).
// The Zoho students all share one name, so every chunk meets QuickBooks' 6240 (duplicate DisplayName) as
// per-item Faults inside HTTP 200 batch answers.

const STUDENTS = 120
const SECRET = 'qb-client-secret-7f3a9c'
let zoho: MockZoho
let qb: MockQuickBooksServer
let dir: string
let env: Record<string, string>

const without = (from: Record<string, string>, ...keys: string[]) =>
  Object.fromEntries(Object.entries(from).filter(([key]) => !keys.includes(key)))
const customers = () => [...qb.mock.state.customers.values()]
const owners = () => customers().map((c) => String(c.Notes).split('\n')[0])

beforeAll(async () => {
  zoho = await startMockZoho(STUDENTS)
})
afterAll(async () => {
  await zoho.close()
})
// A separate afterEach (not a cleanup returned by beforeEach): it runs also when the beforeEach's pull
// fails or times out, so the directory never outlives the test.
afterEach(async () => {
  await qb?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})
beforeEach(async () => {
  qb = await startMockQuickBooks()
  dir = mkdtempSync(join(tmpdir(), 'edusync-cli-qb-'))
  env = {
    ...zohoEnv(zoho),
    QUICKBOOKS_REALM_ID: qb.mock.state.realmId,
    QUICKBOOKS_CLIENT_ID: 'qb-client-id',
    QUICKBOOKS_CLIENT_SECRET: SECRET,
    QUICKBOOKS_REFRESH_TOKEN: 'rt-0',
    QUICKBOOKS_BASE_URL: qb.url,
    QUICKBOOKS_TOKEN_URL: qb.tokenUrl,
  }
  const pulled = await inProcess(['sync', '--only', 'zoho:program', 'zoho:student'], { cwd: dir, env })
  expect(pulled.code).toBe(0)
}, 120_000)

describe('edusync customers (PGlite, QuickBooks stand-in on loopback)', () => {
  it('analyzes, previews, syncs (6240s inside 200 batch answers), reports status; reruns send nothing', async () => {
    const analyzed = await inProcess(['--json', 'customers', 'analyze'], { cwd: dir, env })
    expect(analyzed.code).toBe(0)
    expect(JSON.parse(analyzed.stdout).students).toMatchObject({
      total: STUDENTS,
      notSynced: STUDENTS,
      synced: 0,
    })
    expect(analyzed.stderr).toContain('token store seeded')

    const preview = await inProcess(['--json', 'customers', 'preview', '--limit', '2'], { cwd: dir, env })
    const page = JSON.parse(preview.stdout) as {
      total: number
      items: { action: string; displayName: string }[]
    }
    expect(page.total).toBe(STUDENTS)
    expect(page.items.map((i) => i.action)).toEqual(['create', 'create'])
    expect(page.items[0]?.displayName).toBe('Leyla Aydın')
    expect(customers()).toHaveLength(0)

    // One record's e-mail is refused by QuickBooks (a 2210 ValidationFault in its batch item).
    qb.mock.state.hooks.push((request, mock) => {
      if (!request.url.pathname.endsWith('/batch')) return undefined
      const body = JSON.parse(request.body) as {
        BatchItemRequest: { bId: string; Customer?: { Notes?: string } }[]
      }
      const bad = body.BatchItemRequest.find((i) =>
        i.Customer?.Notes?.startsWith('edusync student/6493490000001000007'),
      )
      if (!bad) return undefined
      const answer = mock.process({
        ...request,
        body: JSON.stringify({ BatchItemRequest: body.BatchItemRequest.filter((i) => i !== bad) }),
      })
      const parsed = JSON.parse(answer.body) as { BatchItemResponse: unknown[] }
      parsed.BatchItemResponse.push({
        bId: bad.bId,
        ...fault(
          '2210',
          'Invalid Email Address',
          'Email Address is invalid.',
          'ValidationFault',
          'PrimaryEmailAddr',
        ),
      })
      return { ...answer, body: JSON.stringify(parsed) }
    })

    const synced = await cli(['--json', 'customers', 'sync', '--batch-size', '40'], { cwd: dir, env })
    expect(synced.code).toBe(1) // a record failed: failures recorded
    const report = JSON.parse(synced.stdout) as Record<string, unknown>
    expect(report).toMatchObject({ status: 'completed', seen: STUDENTS, created: STUDENTS - 1, failed: 1 })
    expect(synced.stderr).toMatch(/quickbooks:customers: completed in [\d.]+ s \(120 records: 119 new/)
    // One customer per student, under the deterministic candidates: the real name, then "(RegNo)", then the id.
    expect(new Set(owners()).size).toBe(STUDENTS - 1)
    const names = customers().map((c) => String(c.DisplayName))
    expect(names).toContain('Leyla Aydın')
    expect(names).toContain('Leyla Aydın (A01B3011C)')
    expect(names).toContain('Leyla Aydın (Student 6493490000001000002)')
    // Batch calls carry at most 30 items; the seeded refresh token was used once and rotated.
    const batchSizes = qb.mock.state.requests
      .filter((r) => r.url.pathname.endsWith('/batch'))
      .map((r) => (JSON.parse(r.body) as { BatchItemRequest: unknown[] }).BatchItemRequest.length)
    expect(batchSizes.length).toBeGreaterThan(0)
    expect(Math.max(...batchSizes)).toBeLessThanOrEqual(30)
    expect(qb.mock.state.counts.token).toBe(1)
    expect(synced.stdout + synced.stderr).not.toContain(SECRET)

    const status = await inProcess(['--json', 'customers', 'status'], { cwd: dir, env })
    const s = JSON.parse(status.stdout) as {
      counts: { student: Record<string, number> }
      failures: { id: string; lastError: string }[]
    }
    expect(s.counts.student).toMatchObject({ synced: STUDENTS - 1, failed: 1 })
    expect(s.failures[0]).toMatchObject({ id: '6493490000001000007' })
    expect(s.failures[0]?.lastError).toContain('2210')

    // Fixed in QuickBooks' eyes: retry makes it due, the next sync creates only it.
    qb.mock.state.hooks.length = 0
    expect((await inProcess(['customers', 'retry'], { cwd: dir, env })).code).toBe(0)
    // The access token is revoked: QuickBooks answers 401 in XML; the client refreshes with the rotated
    // refresh token the first process stored (the stale one in the environment is not used) and repeats.
    qb.mock.state.accessTokens.clear()
    const again = await inProcess(['--json', 'customers', 'sync'], {
      cwd: dir,
      env: { ...env, QUICKBOOKS_REFRESH_TOKEN: 'rt-stale' },
    })
    expect(again.code).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({ created: 1, failed: 0 })
    expect(customers()).toHaveLength(STUDENTS)
    expect(qb.mock.state.counts.token).toBe(2)
    const after = await inProcess(['--json', 'customers', 'analyze'], { cwd: dir, env })
    expect(JSON.parse(after.stdout).students).toMatchObject({ synced: STUDENTS, progress: 100 })
    const batches = qb.mock.state.counts.batch
    const rerun = await inProcess(['--json', 'customers', 'sync'], { cwd: dir, env })
    expect(JSON.parse(rerun.stdout)).toMatchObject({ created: 0, updated: 0, batchCalls: 0 })
    expect(qb.mock.state.counts.batch).toBe(batches)
  })

  it('stops between chunks on Ctrl-C (exit 1, run interrupted), resumes it, and creates nobody twice', async () => {
    qb.mock.state.hooks.push((request, mock) =>
      request.url.pathname.endsWith('/batch') ? { ...mock.process(request), delayMs: 300 } : undefined,
    )
    let sent = false
    const ran = await cli(['--json', 'customers', 'sync', '--batch-size', '10'], {
      cwd: dir,
      env,
      onStderr: (text, child) => {
        if (!sent && /quickbooks:customers: \d+ records/.test(text)) {
          sent = true
          child.kill('SIGINT')
        }
      },
    })
    expect(sent).toBe(true)
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain('interrupting: finishing the current batch')
    const report = JSON.parse(ran.stdout) as { runId: string; status: string }
    expect(report.status).toBe('interrupted')
    const done = customers().length
    expect(done).toBeGreaterThan(0)
    expect(done).toBeLessThan(STUDENTS)

    qb.mock.state.hooks.length = 0
    const resumed = await inProcess(['--json', 'customers', 'sync', '--resume', report.runId], {
      cwd: dir,
      env,
    })
    expect(resumed.code).toBe(0)
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'completed', created: STUDENTS - done })
    expect(customers()).toHaveLength(STUDENTS)
    expect(new Set(owners()).size).toBe(STUDENTS)
    const runs = JSON.parse(
      (await inProcess(['--json', 'runs', 'list', '--step', 'quickbooks:customers'], { cwd: dir, env }))
        .stdout,
    ) as { status: string }[]
    expect(runs.map((r) => r.status).sort()).toEqual(['completed', 'failed'])
  })

  it('exits 2 without QuickBooks configured, and lists every problem (secret in the file refused, never echoed)', async () => {
    const missing = await inProcess(['customers', 'analyze'], {
      cwd: dir,
      env: without(env, ...Object.keys(env).filter((k) => k.startsWith('QUICKBOOKS_'))),
    })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('QuickBooks is not configured')
    writeFileSync(
      join(dir, 'edusync.config.json'),
      JSON.stringify({
        quickbooks: {
          realmId: 'acme',
          clientId: 'x',
          clientSecret: 'file-secret-123',
          environment: 'staging',
        },
      }),
    )
    const bad = await cli(['customers', 'status'], { cwd: dir, env: { EDUSYNC_TENANT: 'acme-academy' } })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain(
      'quickbooks.clientSecret: a secret is read from QUICKBOOKS_CLIENT_SECRET only, never from the file',
    )
    expect(bad.stderr).toContain(
      'quickbooks.realmId: expected the company (realm) id: digits (received "acme")',
    )
    expect(bad.stderr).toMatch(/quickbooks\.environment: .*\(received "staging"\)/)
    expect(bad.stderr + bad.stdout).not.toContain('file-secret-123')
    // Step options from `edusync sync`: checked by the step, which names the value it refuses.
    rmSync(join(dir, 'edusync.config.json'))
    const applicants = await inProcess(
      ['--json', 'sync', '--only', 'quickbooks:customers', '--option', 'kinds=applicant'],
      { cwd: dir, env },
    )
    expect(applicants.code).toBe(0)
    expect(JSON.parse(applicants.stdout).steps[0].counts).toMatchObject({ total: 0 })
    const teachers = await inProcess(
      ['--json', 'sync', '--only', 'quickbooks:customers', '--option', 'kinds=teacher'],
      { cwd: dir, env },
    )
    expect(teachers.code).toBe(1)
    expect(JSON.parse(teachers.stdout).steps[0].error).toBe(
      'kinds: expected applicant or student, received "teacher"',
    )
    const malformed = await inProcess(['sync', '--option', 'kinds'], { cwd: dir, env })
    expect(malformed.code).toBe(2)
    expect(malformed.stderr).toContain('--option: expected key=value (received "kinds")')
    const help = await inProcess(['customers', 'sync', '--help'], { cwd: dir, env })
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('--resume <run-id>')
  })

  it('reads the connection from the tenant registry when the configuration has none', async () => {
    const keys = `k1:${randomBytes(32).toString('base64')}`
    const registryEnv = { ...env, EDUSYNC_CONFIG_KEYS: keys, QB_SECRET: SECRET, QB_REFRESH: 'rt-0' }
    expect(
      (await inProcess(['tenants', 'add', 'acme-academy', '--name', 'Acme'], { cwd: dir, env: registryEnv }))
        .code,
    ).toBe(0)
    const set = await inProcess(
      [
        'connections',
        'set',
        'quickbooks',
        '--set',
        `realmId="${qb.mock.state.realmId}"`,
        '--set',
        'environment=production',
        '--set',
        'clientId=qb-client-id',
        '--secret-env',
        'clientSecret=QB_SECRET',
        '--secret-env',
        'refreshToken=QB_REFRESH',
      ],
      { cwd: dir, env: registryEnv },
    )
    expect(set.stderr).toBe('')
    expect(set.code).toBe(0)
    const fromRegistry = without(
      registryEnv,
      'QUICKBOOKS_REALM_ID',
      'QUICKBOOKS_CLIENT_ID',
      'QUICKBOOKS_CLIENT_SECRET',
      'QUICKBOOKS_REFRESH_TOKEN',
    )
    const status = await inProcess(['--json', 'customers', 'analyze'], { cwd: dir, env: fromRegistry })
    expect(status.code).toBe(0)
    expect(JSON.parse(status.stdout).students.total).toBe(STUDENTS)
    const shown = await inProcess(['--json', 'customers', 'status'], { cwd: dir, env: fromRegistry })
    expect(JSON.parse(shown.stdout).company).toEqual({ realmId: qb.mock.state.realmId, source: 'registry' })
    expect(shown.stdout + status.stdout + status.stderr).not.toContain(SECRET)
  })
})
