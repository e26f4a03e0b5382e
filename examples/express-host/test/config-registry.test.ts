import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { Store } from '@edusync/core'
import { createMemoryStore } from '@edusync/core'
import { signConfigRequest } from '@edusync/core/config-api'
import type { PgliteLike } from '@edusync/store-pg'
import { createPgRegistry } from '@edusync/store-pg'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { createLogger } from '../src/logging.ts'
import type { HostRegistry } from '../src/registry.ts'
import { loadSecretBox, openHostRegistry } from '../src/registry.ts'
import { post, SECRETS, tenant } from './host.ts'
import { zohoProgram } from './zoho-fixtures.ts'

const ADMIN = 'config-admin-token-0123456789'
const SIGNING = 'config-widget-signing-secret-01'
const NEW_API_TOKEN = 'newschool-bulk-api-token-42'
const NEW_MOODLE_TOKEN = 'newschool-moodle-token-4242'
const env = {
  EDUSYNC_CONFIG_KEYS: `k1:${randomBytes(32).toString('base64')}`,
  EDUSYNC_ADMIN_TOKEN: ADMIN,
  EDUSYNC_CONFIG_SIGNING_SECRET: SIGNING,
}

let db: PGlite
let url: string
let close: () => Promise<void>
let hosted: HostRegistry
let store: Store
const logs: string[] = []
const answers: string[] = []

// The real host (Express, its routes, the live tenant map) over a PGlite registry; one process, no restart.
beforeAll(async () => {
  db = await PGlite.create()
  const registry = createPgRegistry({ pglite: db as unknown as PgliteLike })
  store = createMemoryStore()
  const config = loadConfig({
    NODE_ENV: 'test',
    EDUSYNC_TENANTS: JSON.stringify({ acme: tenant() }),
    LOG_LEVEL: 'debug',
  })
  const logger = createLogger('debug', (line) => logs.push(line))
  const secrets = loadSecretBox(env)!
  hosted = await openHostRegistry({ config, env, registry, secrets, store, logger })
  const { app } = createApp({
    config,
    store,
    logger,
    configApi: hosted.api,
    moduleEnabled: hosted.directory.moduleEnabled,
  })
  const server = app.listen(0, '127.0.0.1')
  await new Promise<void>((resolve) => server.once('listening', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  close = async () => {
    hosted.stop()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await registry.close()
    await db.close()
  }
})
afterAll(() => close())

async function config(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/config${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  answers.push(text)
  return { status: response.status, etag: response.headers.get('etag'), body: text ? JSON.parse(text) : null }
}

const student = { id: '4876876000004500001', firstName: 'Elif', lastName: 'Demir', status: 'active' }

describe('express host reading the tenant registry', () => {
  it('seeded the registry from EDUSYNC_TENANTS on first start', async () => {
    const tenants = await config('GET', '/tenants')
    expect(tenants.body.tenants.map((t: { tenant: string }) => t.tenant)).toEqual(['acme'])
    const hook = await config('GET', '/tenants/acme/connections/webhook')
    expect(Object.keys(hook.body.secrets).sort()).toEqual([
      'apiToken',
      'moodleToken',
      'signingSecret',
      'zohoSecret',
    ])
  })

  it('serves a tenant added through the API without a restart, and stops serving it when suspended', async () => {
    const before = await post(`${url}/api/newschool/sync/student`, [student], {
      authorization: `Bearer ${NEW_API_TOKEN}`,
    })
    expect(before.status).toBe(404)
    expect((await config('POST', '/tenants', { tenant: 'newschool', name: 'New School' })).status).toBe(201)
    const hook = await config('PUT', '/tenants/newschool/connections/webhook', {
      settings: {},
      secrets: { apiToken: NEW_API_TOKEN, moodleToken: NEW_MOODLE_TOKEN },
    })
    expect(hook.status).toBe(201)
    const after = await post(`${url}/api/newschool/sync/student`, [student], {
      authorization: `Bearer ${NEW_API_TOKEN}`,
    })
    expect(after.status).toBe(200)
    expect(after.body.counts).toMatchObject({ total: 1, new: 1 })
    const suspended = await config(
      'PATCH',
      '/tenants/newschool',
      { status: 'suspended' },
      { 'if-match': '"1"' },
    )
    expect(suspended.status).toBe(200)
    const refused = await post(`${url}/api/newschool/sync/student`, [student], {
      authorization: `Bearer ${NEW_API_TOKEN}`,
    })
    expect(refused.status).toBe(404)
  })

  it('accepts a signed request through Express and refuses it tampered or replayed', async () => {
    const body = JSON.stringify({ tenant: 'signed-school', name: 'Signed School' })
    const headers = {
      ...signConfigRequest({ secret: SIGNING, method: 'POST', target: '/config/tenants', body }),
      'content-type': 'application/json',
    }
    const tampered = await fetch(`${url}/config/tenants`, {
      method: 'POST',
      headers,
      body: body.replace('Signed', 'Forged'),
    })
    expect(tampered.status).toBe(401)
    const ok = await fetch(`${url}/config/tenants`, { method: 'POST', headers, body })
    expect(ok.status).toBe(201)
    const replay = await fetch(`${url}/config/tenants`, { method: 'POST', headers, body })
    expect(replay.status).toBe(401)
  })

  it('acknowledges a webhook of a switched-off module, records it as skipped and stores nothing', async () => {
    const off = await config('PUT', '/tenants/acme/modules/program', { enabled: false })
    expect(off.status).toBe(201)
    const hook = `${url}/webhooks/acme/zoho/Products`
    const skipped = await post(hook, { data: [zohoProgram()] }, { 'x-edusync-secret': SECRETS.zohoSecret })
    expect(skipped.status).toBe(200)
    expect(skipped.body.counts).toMatchObject({ total: 0 })
    expect((await store.countRecords('acme', 'program'))._unsafeUnwrap()).toBe(0)
    const runs = (await store.listRuns('acme', { step: 'skipped:program' }))._unsafeUnwrap()
    expect(runs.map((r) => [r.status, r.metadata.skipped])).toEqual([['completed', 1]])
    // Switched back on (with the ETag read), the same delivery is synced.
    await config(
      'PUT',
      '/tenants/acme/modules/program',
      { enabled: true },
      { 'if-match': off.etag as string },
    )
    const synced = await post(
      hook,
      { data: [zohoProgram({ Modified_Time: '2026-11-30T10:00:00+00:00' })] },
      { 'x-edusync-secret': SECRETS.zohoSecret },
    )
    expect(synced.status).toBe(200)
    expect((await store.countRecords('acme', 'program'))._unsafeUnwrap()).toBe(1)
  })

  it('never writes a secret to a response or a log line', async () => {
    await config('GET', '/tenants/newschool/connections')
    await config('GET', '/tenants/newschool/audit')
    const everything = [...answers, ...logs].join('\n')
    for (const secret of [NEW_API_TOKEN, NEW_MOODLE_TOKEN, ADMIN, SIGNING, tenant().apiToken as string]) {
      expect(everything).not.toContain(secret)
    }
    expect(logs.length).toBeGreaterThan(0)
  })
})
