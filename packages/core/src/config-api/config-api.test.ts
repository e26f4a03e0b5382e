import { randomBytes } from 'node:crypto'
import { errAsync, okAsync } from 'neverthrow'
import { beforeEach, describe, expect, it } from 'vitest'
import { createMemoryRegistry } from '../registry/memory-registry.ts'
import type { TenantRegistry } from '../registry/registry.ts'
import { createSecretBox, parseKeyRing } from '../registry/secret-box.ts'
import { defineStep } from '../steps/step.ts'
import { createStepRunner } from '../steps/step-runner.ts'
import { createMemoryStore } from '../store/memory-store.ts'
import type { Store } from '../store/store.ts'
import type { ConfigApi, ConnectionTester, FieldMapValidator } from './config-api.ts'
import { createConfigApi } from './config-api.ts'
import { signConfigRequest } from './config-auth.ts'

const ADMIN = 'admin-token-7f3c9e'
const SIGNING = 'widget-signing-secret-0b1d'
const NOW = new Date('2026-11-30T12:00:00.000Z')
const BASE = 'https://host.example'
// Plaintext secrets written through the API: none may ever come back, in any response or error.
const SECRETS = ['zoho-client-secret-9d8e7f', '1000.refresh.4c5b6a', 'moodle-wstoken-1a2b3c4d']

interface Harness {
  api: ConfigApi
  registry: TenantRegistry
  store: Store
  seen: string[]
  tested: Record<string, unknown>[]
  failing: Set<string>
}

function harness(validate?: FieldMapValidator): Harness {
  const registry = createMemoryRegistry({ now: () => NOW })
  const store = createMemoryStore({ now: () => NOW })
  const box = createSecretBox(parseKeyRing(`k1:${randomBytes(32).toString('base64')}`)._unsafeUnwrap())
  const tested: Record<string, unknown>[] = []
  const failing = new Set<string>(['pull'])
  const steps = [
    defineStep({
      name: 'pull',
      description: 'pull',
      run: () =>
        failing.has('pull')
          ? errAsync(new Error('zoho answered 500'))
          : okAsync({ counts: { total: 1, new: 1 } }),
    }),
  ]
  const runner = createStepRunner({ store, steps, now: () => NOW })
  const moodle: ConnectionTester = async (connection) => {
    tested.push(connection as unknown as Record<string, unknown>)
    return connection.secrets.token === SECRETS[2]
      ? { ok: true, detail: 'site "Acme LMS" as user ws-edusync' }
      : { ok: false, message: 'Moodle refused the token (invalidtoken)' }
  }
  const api = createConfigApi({
    registry,
    secrets: box,
    store,
    auth: { adminTokens: [ADMIN], signingSecrets: [SIGNING] },
    runner: () => runner,
    testConnection: { moodle },
    ...(validate ? { validateFieldMap: validate } : {}),
    now: () => NOW,
  })
  const seen: string[] = []
  const h: Harness = {
    registry,
    store,
    tested,
    failing,
    seen,
    api: async (request) => {
      const response = await api(request)
      seen.push(await response.clone().text(), JSON.stringify([...response.headers]))
      return response
    },
  }
  return h
}

function admin(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return new Request(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
}

function signed(method: string, path: string, body = '', options: { now?: Date; nonce?: string } = {}) {
  const headers = signConfigRequest({
    secret: SIGNING,
    method,
    target: path,
    body,
    now: options.now ?? NOW,
    ...(options.nonce ? { nonce: options.nonce } : {}),
  })
  return new Request(`${BASE}${path}`, { method, headers, ...(body === '' ? {} : { body }) })
}

// biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary JSON answers field by field
const json = async (response: Response) => (await response.json()) as Record<string, any>

describe('config API: authentication', () => {
  let h: Harness
  beforeEach(() => {
    h = harness()
  })

  it('accepts an admin bearer token and a fresh signed request', async () => {
    expect((await h.api(admin('GET', '/config/tenants'))).status).toBe(200)
    const body = JSON.stringify({ tenant: 'acme', name: 'Acme School' })
    const created = await h.api(signed('POST', '/config/tenants', body))
    expect(created.status).toBe(201)
    const [entry] = (await h.registry.listAudit('acme'))._unsafeUnwrap()
    expect(entry?.actor).toBe('hmac')
  })

  it('refuses tampered, stale, replayed and re-targeted signed requests with 401', async () => {
    const body = JSON.stringify({ tenant: 'acme', name: 'Acme School' })
    const good = signed('POST', '/config/tenants', body, { nonce: 'nonce-0001' })
    const tampered = new Request(good.url, {
      method: 'POST',
      headers: good.headers,
      body: body.replace('Acme', 'Evil'),
    })
    expect((await h.api(tampered)).status).toBe(401)
    const stale = signed('POST', '/config/tenants', body, { now: new Date(NOW.getTime() - 301_000) })
    const staleResponse = await h.api(stale)
    expect(staleResponse.status).toBe(401)
    expect((await json(staleResponse)).error.message).toContain('tolerance')
    const other = signed('GET', '/config/tenants/acme')
    const retargeted = new Request(`${BASE}/config/tenants/beta`, { method: 'GET', headers: other.headers })
    expect((await h.api(retargeted)).status).toBe(401)
    // The genuine request is accepted once; its replay is refused.
    expect((await h.api(good)).status).toBe(201)
    const replay = signed('POST', '/config/tenants', body, { nonce: 'nonce-0001' })
    const replayed = await h.api(replay)
    expect(replayed.status).toBe(401)
    expect((await json(replayed)).error.message).toContain('replayed')
    expect((await h.registry.listTenants())._unsafeUnwrap()).toHaveLength(1)
  })

  it('refuses a wrong bearer token and a request without credentials', async () => {
    const wrong = new Request(`${BASE}/config/tenants`, { headers: { authorization: 'Bearer nope' } })
    expect((await h.api(wrong)).status).toBe(401)
    expect((await h.api(new Request(`${BASE}/config/tenants`))).status).toBe(401)
  })
})

describe('config API: tenants and optimistic concurrency', () => {
  let h: Harness
  beforeEach(async () => {
    h = harness()
    await h.api(admin('POST', '/config/tenants', { tenant: 'acme', name: 'Acme School' }))
  })

  it('onboards, reads and suspends a tenant with ETags', async () => {
    const read = await h.api(admin('GET', '/config/tenants/acme'))
    expect(read.headers.get('etag')).toBe('"1"')
    expect(await json(read)).toMatchObject({
      tenant: 'acme',
      name: 'Acme School',
      status: 'active',
      version: 1,
    })
    const suspended = await h.api(
      admin('PATCH', '/config/tenants/acme', { status: 'suspended' }, { 'if-match': '"1"' }),
    )
    expect(suspended.status).toBe(200)
    expect(suspended.headers.get('etag')).toBe('"2"')
    expect((await json(suspended)).status).toBe('suspended')
  })

  it('answers 409 to a stale ETag and 428 without one, writing nothing', async () => {
    await h.api(admin('PATCH', '/config/tenants/acme', { name: 'Acme' }, { 'if-match': '"1"' }))
    const stale = await h.api(
      admin('PATCH', '/config/tenants/acme', { status: 'suspended' }, { 'if-match': '"1"' }),
    )
    expect(stale.status).toBe(409)
    expect((await json(stale)).error.currentVersion).toBe(2)
    expect((await h.api(admin('PATCH', '/config/tenants/acme', { status: 'suspended' }))).status).toBe(428)
    const module = await h.api(admin('PUT', '/config/tenants/acme/modules/grade', { enabled: false }))
    expect(module.status).toBe(201)
    const staleModule = await h.api(admin('PUT', '/config/tenants/acme/modules/grade', { enabled: true }))
    expect(staleModule.status).toBe(409)
    expect((await h.registry.getTenant('acme'))._unsafeUnwrap()?.status).toBe('active')
  })

  it('refuses an invalid tenant naming the fields, and a duplicate with 409', async () => {
    const bad = await h.api(admin('POST', '/config/tenants', { tenant: 'Not A Slug', name: '' }))
    expect(bad.status).toBe(422)
    expect((await json(bad)).error.issues.map((i: { path: string }) => i.path)).toEqual(['tenant', 'name'])
    expect((await h.api(admin('POST', '/config/tenants', { tenant: 'acme', name: 'Again' }))).status).toBe(
      409,
    )
    expect((await h.api(admin('GET', '/config/tenants/nobody'))).status).toBe(404)
  })

  it('lists module switches (enabled unless switched off) and schedules, refusing a bad cron', async () => {
    await h.api(admin('PUT', '/config/tenants/acme/modules/payment', { enabled: false }))
    const modules = (await json(await h.api(admin('GET', '/config/tenants/acme/modules')))).modules
    expect(modules).toContainEqual({ module: 'payment', enabled: false, version: 1 })
    expect(modules).toContainEqual({ module: 'student', enabled: true, version: 0 })
    const bad = await h.api(
      admin('PUT', '/config/tenants/acme/schedules/zoho:student', { cron: '61 * * * *' }),
    )
    expect(bad.status).toBe(422)
    expect((await json(bad)).error.issues[0].message).toContain('minute: 61 is outside 0-59')
    const good = await h.api(
      admin('PUT', '/config/tenants/acme/schedules/zoho:student', { cron: '*/15 6-20 * * 1-5' }),
    )
    expect(good.status).toBe(201)
    const list = (await json(await h.api(admin('GET', '/config/tenants/acme/schedules')))).schedules
    expect(list).toEqual([
      expect.objectContaining({ step: 'zoho:student', value: { cron: '*/15 6-20 * * 1-5', enabled: true } }),
    ])
  })

  it('lists the audit log: who, when, what, old -> new', async () => {
    await h.api(admin('PATCH', '/config/tenants/acme', { name: 'Acme Academy' }, { 'if-match': '"1"' }))
    const audit = (await json(await h.api(admin('GET', '/config/tenants/acme/audit?kind=tenant')))).audit
    expect(audit[0]).toMatchObject({
      actor: 'admin',
      at: NOW.toISOString(),
      action: 'update',
      before: { name: 'Acme School', status: 'active' },
      after: { name: 'Acme Academy', status: 'active' },
    })
  })
})

describe('config API: connections and secrets', () => {
  let h: Harness
  beforeEach(async () => {
    h = harness()
    await h.api(admin('POST', '/config/tenants', { tenant: 'acme', name: 'Acme School' }))
  })

  it('never returns a secret: responses, errors and the audit log are scanned', async () => {
    const zoho = await h.api(
      admin('PUT', '/config/tenants/acme/connections/zoho', {
        settings: { dataCenter: 'EU', clientId: '1000.CLIENT' },
        secrets: { clientSecret: SECRETS[0], refreshToken: SECRETS[1] },
      }),
    )
    expect(zoho.status).toBe(201)
    expect(await json(zoho)).toMatchObject({
      settings: { dataCenter: 'EU', clientId: '1000.CLIENT' },
      secrets: { clientSecret: { set: true, kid: 'k1' }, refreshToken: { set: true, kid: 'k1' } },
    })
    await h.api(
      admin('PUT', '/config/tenants/acme/connections/moodle', {
        settings: { url: 'https://lms.acme.example' },
        secrets: { token: SECRETS[2] },
      }),
    )
    // Errors too: an invalid connection carrying a secret, a bad JSON body carrying one.
    const invalid = await h.api(
      admin(
        'PUT',
        '/config/tenants/acme/connections/moodle',
        { settings: { url: 'nope' }, secrets: { token: SECRETS[2], pin: SECRETS[0] } },
        { 'if-match': '"1"' },
      ),
    )
    expect(invalid.status).toBe(422)
    const broken = new Request(`${BASE}/config/tenants/acme/connections/moodle`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN}` },
      body: `{"secrets":{"token":"${SECRETS[2]}"`,
    })
    expect((await h.api(broken)).status).toBe(400)
    await h.api(admin('GET', '/config/tenants/acme/connections'))
    await h.api(admin('GET', '/config/tenants/acme/connections/zoho'))
    await h.api(admin('GET', '/config/tenants/acme/audit'))
    await h.api(admin('POST', '/config/tenants/acme/connections/moodle/test'))
    const everything = h.seen.join('\n')
    for (const secret of SECRETS) expect(everything).not.toContain(secret)
    // The stored form is ciphertext as well.
    const stored = JSON.stringify((await h.registry.listConfig('acme'))._unsafeUnwrap())
    for (const secret of SECRETS) expect(stored).not.toContain(secret)
  })

  it('tests a connection with its opened secrets and reports a refusal as 502', async () => {
    await h.api(
      admin('PUT', '/config/tenants/acme/connections/moodle', {
        settings: { url: 'https://lms.acme.example' },
        secrets: { token: SECRETS[2] },
      }),
    )
    const ok = await h.api(admin('POST', '/config/tenants/acme/connections/moodle/test'))
    expect(ok.status).toBe(200)
    expect(await json(ok)).toEqual({
      system: 'moodle',
      ok: true,
      detail: 'site "Acme LMS" as user ws-edusync',
    })
    expect(h.tested[0]).toMatchObject({ tenant: 'acme', secrets: { token: SECRETS[2] } })
    await h.api(
      admin(
        'PUT',
        '/config/tenants/acme/connections/moodle',
        { settings: { url: 'https://lms.acme.example' }, secrets: { token: 'revoked' } },
        { 'if-match': '"1"' },
      ),
    )
    expect((await h.api(admin('POST', '/config/tenants/acme/connections/moodle/test'))).status).toBe(502)
    expect((await h.api(admin('POST', '/config/tenants/acme/connections/zoho/test'))).status).toBe(404)
  })
})

describe('config API: field maps and runs', () => {
  it('refuses a field map its validator rejects with 422 and the report, and saves a valid one', async () => {
    const seenInputs: unknown[] = []
    const h = harness(async (input) => {
      seenInputs.push(input)
      const unknown = JSON.stringify(input.overrides).includes('Not_A_Field')
      return {
        valid: !unknown,
        report: { issues: unknown ? [{ field: 'Not_A_Field', problem: 'unknown' }] : [], skipped: [] },
      }
    })
    await h.api(admin('POST', '/config/tenants', { tenant: 'acme', name: 'Acme School' }))
    const bad = await h.api(
      admin('PUT', '/config/tenants/acme/field-map', {
        modules: { student: { fields: { phone: 'Not_A_Field' } } },
      }),
    )
    expect(bad.status).toBe(422)
    expect((await json(bad)).error.report.issues[0].field).toBe('Not_A_Field')
    expect((await h.registry.getConfig('acme', 'field-map', 'zoho'))._unsafeUnwrap()).toBeUndefined()
    const good = await h.api(
      admin('PUT', '/config/tenants/acme/field-map', {
        modules: { student: { fields: { phone: 'Mobile' } } },
      }),
    )
    expect(good.status).toBe(201)
    expect((await json(good)).report).toEqual({ issues: [], skipped: [] })
    expect(seenInputs[1]).toEqual({
      tenant: 'acme',
      overrides: { modules: { student: { fields: { phone: 'Mobile' } } } },
    })
  })

  it('answers 501 for field maps when the host has no validator (never saved unchecked)', async () => {
    const h = harness()
    await h.api(admin('POST', '/config/tenants', { tenant: 'acme', name: 'Acme School' }))
    expect((await h.api(admin('PUT', '/config/tenants/acme/field-map', { modules: {} }))).status).toBe(501)
  })

  it('lists runs with filters and retries a failed run', async () => {
    const h = harness()
    await h.api(admin('POST', '/config/tenants', { tenant: 'acme', name: 'Acme School' }))
    const runner = createStepRunner({
      store: h.store,
      steps: [
        defineStep({
          name: 'pull',
          description: 'pull',
          run: () => errAsync(new Error('zoho answered 500')),
        }),
      ],
      now: () => NOW,
    })
    const failed = (await runner.run('acme'))._unsafeUnwrap()
    expect(failed.status).toBe('failed')
    const list = (await json(await h.api(admin('GET', '/config/tenants/acme/runs?status=failed&step=steps'))))
      .runs
    expect(list.map((r: { id: string }) => r.id)).toEqual([failed.runId])
    h.failing.delete('pull')
    const retried = await h.api(admin('POST', `/config/tenants/acme/runs/${failed.runId}/retry`))
    expect(retried.status).toBe(200)
    expect(await json(retried)).toMatchObject({ status: 'completed' })
    const again = await h.api(admin('POST', `/config/tenants/acme/runs/${failed.runId}/retry`))
    expect(again.status).toBe(409)
    expect((await h.api(admin('GET', '/config/tenants/acme/runs?limit=0'))).status).toBe(400)
  })
})
