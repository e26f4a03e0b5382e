import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { MockZoho } from './mock-zoho.ts'
import { startMockZoho, zohoEnv } from './mock-zoho.ts'
import { inProcess } from './run-cli.ts'

// In process (`run`), against embedded PGlite in a temporary directory and the Zoho stand-in: the
// commands a person uses to resolve what the mass-deletion guard held.
let zoho: MockZoho
let dir: string
let env: Record<string, string>

const edusync = (args: string[]) => inProcess(args, { cwd: dir, env })

const student = (n: number) => String(6493490000001000000n + BigInt(n))

beforeAll(async () => {
  zoho = await startMockZoho(100)
})
afterAll(() => zoho.close())
// A separate afterEach (not a cleanup returned by beforeEach): it runs also when the beforeEach's pull
// fails or times out, so the directory never outlives the test.
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edusync-cli-deletes-'))
  env = zohoEnv(zoho)
  expect((await edusync(['sync', '--only', 'zoho:program', 'zoho:student'])).code).toBe(0)
  // Opening PGlite and syncing 100 students takes seconds on a shared machine (the tests' own timeout is
  // the project's 180 s).
}, 180_000)

describe('edusync delete and edusync deletions', () => {
  it('deletes a few records at once; a wave is held (exit 1), listed, and approved exactly once', async () => {
    const few = await edusync(['delete', 'student', student(0), student(1), '--reason', 'withdrawn'])
    expect(few.code).toBe(0)
    expect(few.stdout).toContain('student: 2 deleted, 0 unchanged')

    const ids = Array.from({ length: 30 }, (_, i) => student(10 + i))
    const held = await edusync([
      'delete',
      'student',
      ...ids,
      '--reason',
      'cohort closed',
      '--source',
      'registrar',
    ])
    expect(held.code).toBe(1)
    expect(held.stdout).toContain('30 quarantined')
    expect(held.stdout).toContain('would delete 30 of 98 live student records')

    const listed = JSON.parse(
      (await edusync(['--json', 'deletions', 'list', '--status', 'pending'])).stdout,
    ) as {
      id: string
      planned: unknown[]
      source: string
    }[]
    expect(listed).toHaveLength(1)
    expect(listed[0]).toMatchObject({ source: 'registrar' })
    expect(listed[0]?.planned).toHaveLength(30)
    const id = listed[0]?.id as string

    const approved = await edusync(['deletions', 'approve', id])
    expect(approved.code).toBe(0)
    expect(approved.stdout).toContain(`approved ${id}: student: 30 deleted`)
    const again = await edusync(['deletions', 'approve', id])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('Quarantine')
    expect(again.stderr).toContain('approved, not pending')
    expect((await edusync(['deletions', 'list'])).stdout).toContain('approved')
  })

  it('discards a held wave (nothing deleted) and refuses bad input with exit 2', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => student(i))
    await edusync(['delete', 'student', ...ids, '--reason', 'oops'])
    const [wave] = JSON.parse((await edusync(['--json', 'deletions', 'list'])).stdout) as { id: string }[]
    const discarded = await edusync(['deletions', 'discard', wave?.id as string])
    expect([discarded.code, discarded.stdout.trim()]).toEqual([
      0,
      `discarded ${wave?.id}: nothing was deleted`,
    ])
    const redo = JSON.parse(
      (await edusync(['--json', 'delete', 'student', student(0), '--reason', 'x'])).stdout,
    ) as {
      counts: { deleted: number }
    }
    expect(redo.counts.deleted).toBe(1)
    expect((await edusync(['delete', 'nothing', 'a', '--reason', 'x'])).code).toBe(2)
    expect((await edusync(['delete', 'student', 'a'])).code).toBe(2)
    expect((await edusync(['deletions', 'list', '--status', 'maybe'])).code).toBe(2)
  })
})
