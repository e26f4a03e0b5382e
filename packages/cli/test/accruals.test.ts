import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPgFinanceStore } from '@edusync/store-pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { inProcess } from './run-cli.ts'

// `edusync sync --only accruals` in process, against embedded PGlite in a temporary directory: the contracts
// of a JSON file accrued month by month into the finance side of the same data directory.

let dir: string
const env = { EDUSYNC_TENANT: 'acme-academy' }

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'edusync-cli-accruals-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const contracts = [
  { id: 'reg-1', start: '2026-01-16', end: '2026-03-15', amountMinor: 100_000, currency: 'USD' },
  { id: 'reg-2', start: '2026-02-01', end: '2026-02-28', amountMinor: 50_000, currency: 'GBP' },
  // Left out, each named: an end before its start, and an amount that is not a number.
  { id: 'reg-3', start: '2026-03-01', end: '2026-02-01', amountMinor: 1_000, currency: 'USD' },
  { id: 'reg-4', start: '2026-01-01', end: '2026-01-31', amountMinor: '1000', currency: 'USD' },
]

interface Report {
  status: string
  counts: { total: number; new: number; unchanged: number; invalid: number }
  steps: { step: string; details?: { skipped?: string[]; contracts?: number } }[]
}

describe('edusync sync --only accruals', () => {
  it('accrues a contracts file over the range, names the entries left out, and records nothing twice', async () => {
    writeFileSync(join(dir, 'contracts.json'), JSON.stringify(contracts))
    const args = [
      '--json',
      'sync',
      '--only',
      'accruals',
      '--start',
      '2026-01-01',
      '--end',
      '2026-04-01',
      '--option',
      'contracts=contracts.json',
    ]
    const first = await inProcess(args, { cwd: dir, env })
    expect(first.stderr).not.toContain('failed')
    expect(first.code).toBe(0)
    const report = JSON.parse(first.stdout) as Report
    // reg-1 in January, February and March; reg-2 in February: 4 accruals.
    expect(report).toMatchObject({ status: 'completed', counts: { new: 4, unchanged: 0, invalid: 2 } })
    const skipped = report.steps.find((s) => s.step === 'accruals')?.details?.skipped ?? []
    expect(skipped).toHaveLength(2)
    expect(skipped[0]).toMatch(/\[2\] .*end.*must not be before start.*"2026-02-01"/)
    expect(skipped[1]).toMatch(/\[3\] amountMinor: expected a number of minor units \(received "1000"\)/)

    const again = JSON.parse((await inProcess(args, { cwd: dir, env })).stdout) as Report
    expect(again.counts).toMatchObject({ new: 0, unchanged: 4, invalid: 2 })

    // The finance side of the CLI's data directory holds each (contract, month) once, summing to the contract.
    const finance = createPgFinanceStore({ dataDir: join(dir, '.data', 'edusync-finance') })
    try {
      const stored = (await finance.listAccruals('acme-academy'))._unsafeUnwrap()
      expect(stored.map((a) => `${a.contractId} ${a.month} ${a.amountMinor}`)).toEqual([
        'reg-1 2026-01-01 27119',
        'reg-1 2026-02-01 47457',
        'reg-1 2026-03-01 25424',
        'reg-2 2026-02-01 50000',
      ])
    } finally {
      await finance.close()
    }
  })

  it('reads the file from the configuration and a tenant-keyed file', async () => {
    writeFileSync(join(dir, 'by-tenant.json'), JSON.stringify({ 'acme-academy': [contracts[1]], other: [] }))
    const ran = await inProcess(
      ['--json', 'sync', '--only', 'accruals', '--start', '2026-02-01', '--end', '2026-03-01'],
      { cwd: dir, env: { ...env, EDUSYNC_CONTRACTS_FILE: 'by-tenant.json' } },
    )
    expect(ran.code).toBe(0)
    expect((JSON.parse(ran.stdout) as Report).counts).toMatchObject({ new: 1, invalid: 0 })
  })

  it('is listed as a separate step, and without a contracts file fails saying where to give one', async () => {
    const steps = JSON.parse((await inProcess(['--json', 'steps', 'list'], { cwd: dir, env })).stdout) as {
      name: string
      kind: string
      options: Record<string, string>
    }[]
    expect(steps.find((s) => s.name === 'accruals')).toMatchObject({
      kind: 'separate',
      options: { contracts: expect.stringContaining('JSON file of contracts') },
    })
    const ran = await inProcess(['sync', '--only', 'accruals'], { cwd: dir, env })
    expect(ran.code).not.toBe(0)
    expect(ran.stdout + ran.stderr).toContain('--option contracts=<file.json> or set finance.contractsFile')

    writeFileSync(join(dir, 'broken.json'), '{"acme-academy": [')
    const broken = await inProcess(['sync', '--only', 'accruals', '--option', 'contracts=broken.json'], {
      cwd: dir,
      env,
    })
    expect(broken.code).not.toBe(0)
    expect(broken.stdout + broken.stderr).toMatch(/broken\.json: not valid JSON/)
  })
})
