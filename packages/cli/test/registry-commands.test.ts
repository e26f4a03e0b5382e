import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { asStoredConnection, createSecretBox, openConnection, parseKeyRing } from '@edusync/core'
import { createPgRegistry } from '@edusync/store-pg'
import { afterAll, describe, expect, it } from 'vitest'
import { run } from '../src/main.ts'

// The registry commands in-process (`run`), against embedded PGlite in a temporary directory.
const dir = mkdtempSync(join(tmpdir(), 'edusync-cli-registry-'))
const dataDir = join(dir, 'db')
const K1 = `k1:${randomBytes(32).toString('base64')}`
const K2 = `k2:${randomBytes(32).toString('base64')}`
const MOODLE_TOKEN = 'moodle-ws-token-5e6f7a8b9c'
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const printed: string[] = []
async function cli(args: string[], keys = K1) {
  const out: string[] = []
  const err: string[] = []
  const code = await run(args, {
    env: { EDUSYNC_DATA_DIR: dataDir, EDUSYNC_CONFIG_KEYS: keys, MOODLE_TOKEN },
    cwd: dir,
    // Our own signal: without it each run would add a process SIGINT listener.
    signal: new AbortController().signal,
    io: { out: (t) => out.push(t), err: (t) => err.push(t), interactive: false },
  })
  printed.push(...out, ...err)
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('edusync tenants / connections / mappings / keys', () => {
  it('onboards, configures, shows and suspends a tenant, then rotates the key; no secret is printed', async () => {
    expect((await cli(['tenants', 'add', 'acme', '--name', 'Acme School'])).code).toBe(0)
    const listed = await cli(['tenants', 'list', '--json'])
    expect(JSON.parse(listed.out).tenants.map((t: { tenant: string }) => t.tenant)).toEqual(['acme'])
    const dup = await cli(['tenants', 'add', 'acme', '--name', 'Again'])
    expect(dup.code).toBe(2)
    expect(dup.err).toContain('exists')

    const set = await cli([
      '-t',
      'acme',
      'connections',
      'set',
      'moodle',
      '--set',
      'url=https://lms.acme.example',
      '--set',
      'roles={"student":5,"editingTeacher":3}',
      '--secret-env',
      'token=MOODLE_TOKEN',
    ])
    expect(set.code).toBe(0)
    const bad = await cli(['-t', 'acme', 'connections', 'set', 'moodle', '--set', 'url=not-a-url'])
    expect(bad.code).toBe(2)
    expect(bad.err).toContain('settings.url')

    const shown = JSON.parse((await cli(['tenants', 'show', 'acme', '--json'])).out)
    expect(shown.connections[0]).toMatchObject({
      system: 'moodle',
      settings: { url: 'https://lms.acme.example', roles: { student: 5, editingTeacher: 3 } },
      secrets: { token: { set: true, kid: 'k1' } },
    })
    const suspended = await cli(['tenants', 'suspend', 'acme', '--json'])
    expect(JSON.parse(suspended.out)).toMatchObject({ status: 'suspended', version: 2 })

    const rotated = await cli(['keys', 'rotate', '--json'], `${K2},${K1}`)
    expect(rotated.code).toBe(0)
    expect(JSON.parse(rotated.out)).toMatchObject({ currentKey: 'k2', rewritten: 1, secrets: 1, failed: [] })
    for (const line of printed) expect(line).not.toContain(MOODLE_TOKEN)

    // The old key can go: the secret opens with the new key alone, and it was audited as the CLI's user.
    const registry = createPgRegistry({ dataDir })
    try {
      const item = (await registry.getConfig('acme', 'connection', 'moodle'))._unsafeUnwrap()!
      const box = createSecretBox(parseKeyRing(K2)._unsafeUnwrap())
      const opened = openConnection(box, 'acme', 'moodle', asStoredConnection(item.value))
      expect(opened._unsafeUnwrap().secrets.token).toBe(MOODLE_TOKEN)
      const audit = (await registry.listAudit('acme'))._unsafeUnwrap()
      expect(audit[0]?.actor).toMatch(/^cli:/)
    } finally {
      await registry.close()
    }
  }, 120_000)

  it('validates field-map overrides from a file and refuses a malformed one (exit 2)', async () => {
    const good = join(dir, 'good.json')
    const bad = join(dir, 'bad.json')
    writeFileSync(good, JSON.stringify({ defaultCurrency: 'USD' }))
    writeFileSync(bad, JSON.stringify({ modules: { student: { feilds: {} } } }))
    const valid = await cli(['-t', 'acme', 'mappings', 'validate', good])
    expect(valid.code).toBe(0)
    expect(valid.out).toContain('no Zoho connection')
    const invalid = await cli(['-t', 'acme', 'mappings', 'set', bad])
    expect(invalid.code).toBe(2)
    expect(invalid.err).toContain('feilds')
    expect((await cli(['-t', 'acme', 'mappings', 'set', good])).code).toBe(0)
  }, 120_000)

  it('refuses to run without a key ring, naming the variable (exit 2)', async () => {
    const code = await run(['tenants', 'list'], {
      env: { EDUSYNC_DATA_DIR: dataDir },
      cwd: dir,
      // Our own signal: without it each run would add a process SIGINT listener.
      signal: new AbortController().signal,
      io: { out: () => {}, err: (t) => printed.push(t), interactive: false },
    })
    expect(code).toBe(2)
    expect(printed.at(-1)).toContain('EDUSYNC_CONFIG_KEYS')
  })
})
