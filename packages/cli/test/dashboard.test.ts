import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFakeDashboardPlugin } from '../../moodle/src/__fixtures__/fake-dashboard-plugin.ts'
import { TOKEN } from '../../moodle/src/__fixtures__/fake-moodle.ts'
import type { PluginServer } from '../../moodle/src/__fixtures__/plugin-server.ts'
import { startPluginServer } from '../../moodle/src/__fixtures__/plugin-server.ts'
import type { MockZoho } from './mock-zoho.ts'
import { startMockZoho, zohoEnv } from './mock-zoho.ts'
import { inProcess } from './run-cli.ts'

// The dashboard push as the CLI runs it: Zoho pulls write through the Store's outbox (PGlite in a
// temporary directory), then `sync --only push:moodle-dashboard` sends what changed to the plugin on loopback.
const plugin = createFakeDashboardPlugin()
let zoho: MockZoho
let moodle: PluginServer
let dir: string
let env: Record<string, string>

beforeAll(async () => {
  zoho = await startMockZoho(40)
  moodle = await startPluginServer(plugin)
  dir = mkdtempSync(join(tmpdir(), 'edusync-cli-dash-'))
  writeFileSync(
    join(dir, 'edusync.config.json'),
    JSON.stringify({ tenant: 'acme-academy', moodle: { url: moodle.url, token: TOKEN, dashboard: true } }),
  )
  env = zohoEnv(zoho)
})
afterAll(async () => {
  try {
    await zoho?.close()
    await moodle?.close()
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true })
  }
})

const cli = (args: string[]) => inProcess(args, { cwd: dir, env })

describe('edusync sync --only push:moodle-dashboard', () => {
  it('lists the step, pushes what the pulls changed once, and nothing on a rerun', async () => {
    const steps = await cli(['--json', 'steps', 'list'])
    expect(steps.stdout).toContain('push:moodle-dashboard')
    expect((await cli(['sync', '--only', 'zoho:program'])).code).toBe(0)
    expect((await cli(['sync', '--only', 'zoho:student'])).code).toBe(0)
    const pushed = await cli(['--json', 'sync', '--only', 'push:moodle-dashboard'])
    expect(pushed.code).toBe(0)
    const students = plugin.calls.filter((c) => c.wsfunction === 'local_mzi_update_student')
    expect(students).toHaveLength(40)
    expect(plugin.tables.students.size).toBe(40)
    const again = await cli(['--json', 'sync', '--only', 'push:moodle-dashboard'])
    expect(again.code).toBe(0)
    expect(plugin.calls.filter((c) => c.wsfunction === 'local_mzi_update_student')).toHaveLength(40)
  })
})
