import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { MockZoho } from './mock-zoho.ts'
import { startMockZoho, zohoEnv } from './mock-zoho.ts'
import { cli, inProcess } from './run-cli.ts'

// The CLI as a user runs it: a child process (from source through tsx), against embedded PGlite in a
// temporary directory and a Zoho stand-in on loopback; in process where no process boundary is needed.

let zoho: MockZoho
let dir: string
let env: Record<string, string>

beforeAll(async () => {
  zoho = await startMockZoho(450)
})
afterAll(async () => {
  await zoho.close()
})
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'edusync-cli-'))
  zoho.failPrograms = false
  zoho.pageDelayMs = 0
  env = zohoEnv(zoho)
  return () => rmSync(dir, { recursive: true, force: true })
})

describe('edusync (child processes and in-process runs, PGlite)', () => {
  it('prints help for the program and each command, exit 0; an unknown command is exit 2', async () => {
    const help = await cli(['--help'], { cwd: dir })
    expect(help.code).toBe(0)
    for (const command of ['migrate', 'steps', 'sync', 'runs', 'parked'])
      expect(help.stdout).toContain(command)
    const syncHelp = await cli(['sync', '--help'], { cwd: dir })
    expect(syncHelp.code).toBe(0)
    expect(syncHelp.stdout).toContain('--from-step <step>')
    expect(syncHelp.stdout).toContain('--dry-run')
    const unknown = await cli(['synk'], { cwd: dir, env })
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("unknown command 'synk'")
  })

  it('lists every configuration problem at once, exit 2, and never prints a secret', async () => {
    const file = join(dir, 'edusync.config.json')
    writeFileSync(
      file,
      JSON.stringify({
        tenant: 'Acme Academy',
        store: { dataDir: '.data', connectionString: 'postgres://u:db-password-789@h/db' },
        zoho: { clientId: 'x', clientSecret: '', refreshToken: 'refresh-secret-000', dataCenter: 'MARS' },
        colour: 'blue',
      }),
    )
    const ran = await cli(['steps', 'list'], { cwd: dir })
    expect(ran.code).toBe(2)
    expect(ran.stderr).toContain('configuration has 5 problems')
    expect(ran.stderr).toContain(
      'tenant: expected a tenant slug (lower-case letters, digits, dashes) (received "Acme Academy")',
    )
    expect(ran.stderr).toContain('store: give connectionString (PostgreSQL) or dataDir (PGlite), not both')
    expect(ran.stderr).toContain('zoho.clientSecret: required')
    expect(ran.stderr).toMatch(/zoho\.dataCenter: .*\(received "MARS"\)/)
    expect(ran.stderr).toMatch(/colour/)
    for (const secret of ['db-password-789', 'refresh-secret-000']) {
      expect(ran.stderr + ran.stdout).not.toContain(secret)
    }
    const missing = await inProcess(['--config', 'nope.json', 'steps', 'list'], { cwd: dir })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('nope.json: no such file')
  })

  it('migrates, lists the steps in order, and shows a dry run as JSON without running anything', async () => {
    const migrated = await inProcess(['migrate'], { cwd: dir, env })
    expect(migrated.code).toBe(0)
    expect(migrated.stdout).toMatch(/applied .* to schema "edusync"/)
    const steps = await inProcess(['--json', 'steps', 'list'], { cwd: dir, env })
    const listed = JSON.parse(steps.stdout) as { name: string; kind: string }[]
    const names = listed.filter((s) => s.kind === 'ordered').map((s) => s.name)
    expect(names.at(-1)).toBe('parked-replay')
    // Separate steps run only when named, so they sit outside the order.
    expect(listed.filter((s) => s.kind === 'separate').map((s) => s.name)).toEqual(['accruals'])
    expect(names.indexOf('zoho:program')).toBeLessThan(names.indexOf('zoho:student'))

    const dry = await inProcess(
      [
        '--json',
        'sync',
        '--dry-run',
        '--from-step',
        'zoho:registration',
        '--start',
        '2024-03-01',
        '--end',
        '2024-07-01',
      ],
      { cwd: dir, env },
    )
    expect(dry.code).toBe(0)
    const plan = JSON.parse(dry.stdout) as { steps: string[]; months: { start: string }[] }
    expect(plan.steps[0]).toBe('zoho:registration')
    expect(plan.steps).not.toContain('zoho:student')
    expect(plan.months.map((m) => m.start)).toEqual(['2024-03-01', '2024-04-01', '2024-05-01', '2024-06-01'])
    expect(zoho.requests.filter((r) => r.startsWith('GET /crm'))).toHaveLength(0)
    const runs = await inProcess(['--json', 'runs', 'list'], { cwd: dir, env })
    expect(JSON.parse(runs.stdout)).toEqual([])
  })

  it('refuses a mid-month date naming it, and an unknown step naming the known ones, exit 2', async () => {
    const mid = await inProcess(['sync', '--start', '2024-03-15', '--end', '2024-07-01'], { cwd: dir, env })
    expect(mid.code).toBe(2)
    expect(mid.stderr).toContain(
      'start: expected the first day of a month, like 2024-03-01 (received "2024-03-15")',
    )
    const unknown = await inProcess(['sync', '--from-step', 'zoho:students'], { cwd: dir, env })
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('unknown step "zoho:students" (known, in order: zoho:program')
  })

  it('syncs from Zoho with progress on stderr and the report as JSON, then lists and shows the runs', async () => {
    const ran = await cli(['--json', 'sync'], { cwd: dir, env })
    expect(ran.code).toBe(0)
    const report = JSON.parse(ran.stdout) as { runId: string; status: string; counts: { new: number } }
    expect(report).toMatchObject({ status: 'completed', counts: { new: 451 } })
    expect(ran.stderr).toMatch(/zoho:student: completed in [\d.]+ s \(450 records: 450 new/)

    const runs = JSON.parse(
      (await inProcess(['--json', 'runs', 'list', '--limit', '50'], { cwd: dir, env })).stdout,
    ) as {
      step: string
      status: string
    }[]
    expect(runs.find((r) => r.step === 'steps')?.status).toBe('completed')
    expect(runs.find((r) => r.step === 'zoho:student')?.status).toBe('completed')
    const shown = await inProcess(['runs', 'show', report.runId], { cwd: dir, env })
    expect(shown.code).toBe(0)
    expect(shown.stdout).toContain('status    completed')
    expect(shown.stdout).toContain('records   451 (451 new')
    const none = await inProcess(['runs', 'show', 'no-such-run'], { cwd: dir, env })
    expect(none.code).toBe(2)
  })

  it('exits 1 when a step fails, and resumes the run from that step once it is fixed', async () => {
    zoho.failPrograms = true
    const failed = await inProcess(['--json', 'sync', '--only', 'zoho:program', 'zoho:student'], {
      cwd: dir,
      env,
    })
    expect(failed.code).toBe(1)
    const report = JSON.parse(failed.stdout) as { runId: string; steps: { step: string; status: string }[] }
    expect(report.steps.map((s) => s.status)).toEqual(['failed', 'skipped'])

    const parked = await inProcess(['parked', 'list'], { cwd: dir, env })
    expect(parked.stdout).toContain('nothing is parked')

    zoho.failPrograms = false
    const resumed = await inProcess(['--json', 'sync', '--resume', report.runId], { cwd: dir, env })
    expect(resumed.code).toBe(0)
    expect((JSON.parse(resumed.stdout) as { steps: { step: string }[] }).steps.map((s) => s.step)).toEqual([
      'zoho:program',
      'zoho:student',
    ])
  })

  it('lists parked records and replays them once their parent is there', async () => {
    await inProcess(['sync', '--only', 'zoho:student'], { cwd: dir, env })
    const parked = JSON.parse(
      (await inProcess(['--json', 'parked', 'list', '--limit', '500'], { cwd: dir, env })).stdout,
    ) as {
      waitingFor: { entity: string }[]
    }[]
    expect(parked).toHaveLength(450)
    expect(parked[0]?.waitingFor).toEqual([{ entity: 'program', id: '6493490000000812003' }])
    const nothing = await inProcess(['parked', 'replay'], { cwd: dir, env })
    expect(nothing.stdout).toContain('nothing to replay')
    // The program arrives through its own step, which replays its waiting children as part of its batch.
    const program = await inProcess(['--json', 'sync', '--only', 'zoho:program'], { cwd: dir, env })
    expect(program.code).toBe(0)
    const after = await inProcess(['--json', 'parked', 'list'], { cwd: dir, env })
    expect(JSON.parse(after.stdout)).toEqual([])
  })

  it('stops between batches on Ctrl-C, exit 1, records the run as interrupted, and resumes it', async () => {
    zoho.pageDelayMs = 400
    let sent = false
    const ran = await cli(['--json', 'sync', '--only', 'zoho:student'], {
      cwd: dir,
      env,
      onStderr: (text, child) => {
        if (!sent && text.includes('step 1/1 zoho:student: started')) {
          sent = true
          setTimeout(() => child.kill('SIGINT'), 500)
        }
      },
    })
    expect(sent).toBe(true)
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain('interrupting: finishing the current batch')
    const report = JSON.parse(ran.stdout) as { runId: string; status: string }
    expect(report.status).toBe('interrupted')
    const shown = await inProcess(['runs', 'show', report.runId], { cwd: dir, env })
    expect(shown.stdout).toContain('status    failed (interrupted)')

    zoho.pageDelayMs = 0
    const resumed = await inProcess(['--json', 'sync', '--resume', report.runId], { cwd: dir, env })
    expect(resumed.code).toBe(0)
  })
})
