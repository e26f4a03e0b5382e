import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import setup from '../../../test/tmp-guard.ts'

// The guard every project's vitest run starts first (test/tmp-guard.ts), driven by hand here: inside this
// test file it makes a temp dir of its own within the run's, exactly as it does in the vitest process.
const outer = process.env.TMPDIR
afterEach(() => {
  process.env.TMPDIR = outer
})

describe('the temp dir guard of the test runs', () => {
  it('gives the run a fresh temp dir and fails at the end naming each edusync-* entry left in it', () => {
    const teardown = setup()
    const dir = tmpdir()
    expect(dir).not.toBe(outer)
    expect(dir).toMatch(/edusync-run-/)
    mkdirSync(join(dir, 'edusync-cli-qb-abc123'))
    writeFileSync(join(dir, 'edusync-soak-42.log'), 'kept by mistake')
    // Not ours to judge (a tool's cache): removed with the directory, not a finding.
    mkdirSync(join(dir, 'tsx-0'))

    expect(teardown).toThrow(/left 2 temporary entries behind.*edusync-cli-qb-abc123, edusync-soak-42\.log/)
    expect(existsSync(dir)).toBe(false)
    expect(process.env.TMPDIR).toBe(outer)
  })

  it('is shared by the projects of one vitest process: only the last teardown checks and removes', () => {
    const first = setup()
    const dir = tmpdir()
    const second = setup()
    expect(tmpdir()).toBe(dir)
    writeFileSync(join(dir, 'edusync-late.txt'), 'still in use by the first project')
    second()
    expect(existsSync(join(dir, 'edusync-late.txt'))).toBe(true)
    expect(first).toThrow(/edusync-late\.txt/)
    expect(existsSync(dir)).toBe(false)
  })

  it('passes a run that removed what it made', () => {
    const teardown = setup()
    const dir = tmpdir()
    const made = join(dir, 'edusync-pglite-x')
    mkdirSync(made)
    rmSync(made, { recursive: true })
    expect(teardown).not.toThrow()
    expect(existsSync(dir)).toBe(false)
  })
})
