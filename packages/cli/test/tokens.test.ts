import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { MockQuickBooksServer } from './mock-quickbooks-server.ts'
import { startMockQuickBooks } from './mock-quickbooks-server.ts'
import type { Ran } from './run-cli.ts'
import { cli, inProcess } from './run-cli.ts'

// `edusync tokens set|status` in process against PGlite in a temporary directory, with Intuit's and Zoho's
// token endpoints (and one Zoho API read) behind msw, answering like api-facts.md: Intuit's dead token is
// HTTP 400 {"error":"invalid_grant"}, Zoho's is {"error":"invalid_code"} inside HTTP 200. One test runs the
// CLI as a child process with the token piped into its real standard input.

const INTUIT_TOKEN_URL = 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer'
const ZOHO_TOKEN_URL = 'https://accounts.zoho.com/oauth/v2/token'
const ZOHO_API = 'https://www.zohoapis.com'
const REALM = '9130357992221046'
const QB_NEW = 'AB11-new-qb-refresh-token'
const QB_DEAD = 'AB11-dead-qb-refresh-token'
const ZOHO_DEAD = '1000.dead-zoho-refresh-token'
const ZOHO_NEW = '1000.new-zoho-refresh-token'
const SECRETS = [QB_NEW, QB_DEAD, ZOHO_DEAD, ZOHO_NEW, 'qb-client-secret-1', 'zoho-client-secret-1']

const env: Record<string, string> = {
  EDUSYNC_TENANT: 'acme-academy',
  QUICKBOOKS_REALM_ID: REALM,
  QUICKBOOKS_CLIENT_ID: 'ABclientid',
  QUICKBOOKS_CLIENT_SECRET: 'qb-client-secret-1',
  ZOHO_CLIENT_ID: '1000.CLIENT',
  ZOHO_CLIENT_SECRET: 'zoho-client-secret-1',
  ZOHO_REFRESH_TOKEN: ZOHO_DEAD,
}

/** What the token endpoints were asked, and which access tokens Zoho's API saw. */
const seen = { intuit: [] as string[], zoho: [] as string[], zohoApiAuth: [] as string[] }
let rotation = 0

const server = setupServer(
  http.post(INTUIT_TOKEN_URL, async ({ request }) => {
    const form = new URLSearchParams(await request.text())
    const token = form.get('refresh_token') ?? ''
    seen.intuit.push(token)
    if (!request.headers.get('authorization')?.startsWith('Basic ')) {
      return HttpResponse.json({ error: 'invalid_client' }, { status: 401 })
    }
    if (form.get('grant_type') !== 'refresh_token' || token !== QB_NEW) {
      return HttpResponse.json({ error: 'invalid_grant' }, { status: 400 })
    }
    rotation++
    return HttpResponse.json(
      {
        token_type: 'bearer',
        access_token: `eyJ-qb-access-${rotation}`,
        refresh_token: `AB11-rotated-${rotation}`,
        expires_in: 3600,
        x_refresh_token_expires_in: 8_726_400,
      },
      { headers: { intuit_tid: `tid-${rotation}` } },
    )
  }),
  http.post(ZOHO_TOKEN_URL, async ({ request }) => {
    const form = new URLSearchParams(await request.text())
    const token = form.get('refresh_token') ?? ''
    seen.zoho.push(token)
    if (token !== ZOHO_NEW) return HttpResponse.json({ error: 'invalid_code' })
    return HttpResponse.json({
      access_token: `1000.zoho-access-${seen.zoho.length}`,
      scope: 'ZohoCRM.modules.ALL',
      api_domain: ZOHO_API,
      token_type: 'Bearer',
      expires_in: 3600,
    })
  }),
  // Zoho's answer to a listing with nothing in it: 204, no body.
  http.get(`${ZOHO_API}/crm/v8/Products`, ({ request }) => {
    seen.zohoApiAuth.push(request.headers.get('authorization') ?? '')
    return new HttpResponse(null, { status: 204 })
  }),
)

let dir: string
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'edusync-cli-tokens-'))
  seen.intuit = []
  seen.zoho = []
  seen.zohoApiAuth = []
})
afterEach(() => {
  server.resetHandlers()
  rmSync(dir, { recursive: true, force: true })
})

const run = (args: string[], extra: { env?: Record<string, string>; stdin?: string } = {}) =>
  inProcess(args, { cwd: dir, env: { ...env, ...extra.env }, ...(extra.stdin ? { stdin: extra.stdin } : {}) })

/** Fails when any secret appears in what the CLI printed. */
function expectNoSecrets(...runs: Ran[]) {
  for (const ran of runs)
    for (const secret of SECRETS) expect(`${ran.stdout}${ran.stderr}`).not.toContain(secret)
}

interface StatusRow {
  system: string
  stored: boolean
  refreshToken: string
  version: number | null
  updatedAt: string | null
  accessTokenExpiresAt: string | null
  refreshTokenExpiresAt: string | null
  note: string | null
}
const status = async (): Promise<Record<string, StatusRow>> => {
  const ran = await run(['--json', 'tokens', 'status'])
  expect(ran.code).toBe(0)
  expectNoSecrets(ran)
  return Object.fromEntries((JSON.parse(ran.stdout) as StatusRow[]).map((r) => [r.system, r]))
}

describe('edusync tokens', () => {
  it('status shows no QuickBooks token and the configured Zoho token before anything is stored', async () => {
    const rows = await status()
    expect(rows.quickbooks).toMatchObject({
      stored: false,
      refreshToken: 'none',
      version: null,
      updatedAt: null,
    })
    expect(rows.quickbooks?.note).toContain('edusync tokens set quickbooks')
    expect(rows.zoho).toMatchObject({ stored: false, refreshToken: 'configured', accessTokenExpiresAt: null })
    const text = await run(['tokens', 'status'])
    expect(text.stdout).toMatch(/acme-academy\s+quickbooks\s+none/)
    expect(text.stdout).toMatch(/acme-academy\s+zoho\s+configured/)
  })

  it('set quickbooks checks the token from stdin with Intuit and stores the rotated pair', async () => {
    const started = Date.now()
    const set = await run(['tokens', 'set', 'quickbooks', '--refresh-token-stdin'], { stdin: `${QB_NEW}\n` })
    expect(set.stderr).toBe('')
    expect(set.code).toBe(0)
    expect(set.stdout).toContain('quickbooks: the new refresh token works')
    expect(set.stdout).toContain(`company ${REALM} (version 1)`)
    expect(set.stdout).toContain('rotated refresh token')
    expect(seen.intuit).toEqual([QB_NEW])
    expectNoSecrets(set)

    const rows = await status()
    expect(rows.quickbooks).toMatchObject({ stored: true, refreshToken: 'stored', version: 1, note: null })
    const refreshExpires = Date.parse(rows.quickbooks?.refreshTokenExpiresAt ?? '')
    expect(refreshExpires).toBeGreaterThanOrEqual(started + 8_726_400_000)
    expect(Date.parse(rows.quickbooks?.accessTokenExpiresAt ?? '')).toBeGreaterThanOrEqual(
      started + 3_600_000,
    )
    expect(Date.parse(rows.quickbooks?.updatedAt ?? '')).toBeGreaterThanOrEqual(started - 1000)
  })

  it('set quickbooks stores nothing when Intuit answers invalid_grant, keeping the stored pair', async () => {
    expect(
      (
        await run(['tokens', 'set', 'quickbooks', '--refresh-token-env', 'NEW_QB'], {
          env: { NEW_QB: QB_NEW },
        })
      ).code,
    ).toBe(0)
    const refused = await run(['--json', 'tokens', 'set', 'quickbooks', '--refresh-token-env', 'NEW_QB'], {
      env: { NEW_QB: QB_DEAD },
    })
    expect(refused.code).toBe(1)
    expect(refused.stdout).toBe('')
    expect(refused.stderr).toContain('invalid_grant')
    expect(refused.stderr).toContain('Nothing was stored')
    expect(seen.intuit).toEqual([QB_NEW, QB_DEAD])
    expectNoSecrets(refused)
    expect((await status()).quickbooks).toMatchObject({ stored: true, version: 1 })
  })

  it('set zoho refuses an invalid_code token (inside HTTP 200), then stores a good one the pulls use', async () => {
    const refused = await run(['tokens', 'set', 'zoho', '--refresh-token-env', 'NEW_ZOHO'], {
      env: { NEW_ZOHO: '1000.also-dead' },
    })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('invalid_code')
    expect(refused.stderr).toContain('Nothing was stored')
    expect((await status()).zoho).toMatchObject({ stored: false, refreshToken: 'configured' })

    const set = await run(['--json', 'tokens', 'set', 'zoho', '--refresh-token-stdin'], { stdin: ZOHO_NEW })
    expect(set.code).toBe(0)
    expect(JSON.parse(set.stdout)).toMatchObject({
      system: 'zoho',
      tenant: 'acme-academy',
      stored: true,
      version: 1,
      apiDomain: ZOHO_API,
    })
    expectNoSecrets(refused, set)
    expect((await status()).zoho).toMatchObject({
      stored: true,
      refreshToken: 'stored',
      version: 1,
      note: null,
    })

    // A pull with the dead ZOHO_REFRESH_TOKEN still configured uses the stored token's access token.
    const pulled = await run(['sync', '--only', 'zoho:program'])
    expect(pulled.code).toBe(0)
    expect(seen.zohoApiAuth).toEqual(['Zoho-oauthtoken 1000.zoho-access-2'])
    expect(seen.zoho).toEqual(['1000.also-dead', ZOHO_NEW])
  })

  it.each([
    [5 * 86_400, /refresh token expires in [45] days unless used/],
    [0, /refresh token expired: run `edusync tokens set quickbooks`/],
  ])('status warns when the refresh token Intuit issued lives %i s', async (lifetime, note) => {
    server.use(
      http.post(INTUIT_TOKEN_URL, () =>
        HttpResponse.json({
          token_type: 'bearer',
          access_token: 'eyJ-qb-short',
          refresh_token: QB_NEW,
          expires_in: 3600,
          x_refresh_token_expires_in: lifetime,
        }),
      ),
    )
    const set = await run(['tokens', 'set', 'quickbooks', '--refresh-token-stdin'], { stdin: QB_NEW })
    expect(set.code).toBe(0)
    // Intuit kept the token: nothing rotated.
    expect(set.stdout).not.toContain('rotated')
    expect((await status()).quickbooks?.note).toMatch(note)
  })

  it.each([
    [['tokens', 'set', 'quickbooks'], {}, 'never from an argument'],
    [
      ['tokens', 'set', 'quickbooks', '--refresh-token-stdin', '--refresh-token-env', 'X'],
      { X: 'x' },
      'not both',
    ],
    [['tokens', 'set', 'quickbooks', '--refresh-token-env', 'UNSET_VAR'], {}, 'UNSET_VAR is not set'],
    [['tokens', 'set', 'zoho', '--refresh-token-stdin'], {}, 'nothing was read from standard input'],
    [['tokens', 'set', 'quickbooks', QB_NEW], {}, 'too many arguments'],
    [['tokens', 'set', 'moodle', '--refresh-token-stdin'], {}, 'Allowed choices are quickbooks, zoho'],
  ])('set %j is bad usage (exit 2) and calls nothing', async (args, extraEnv, message) => {
    const ran = await run(args, { env: extraEnv })
    expect(ran.code).toBe(2)
    expect(ran.stderr).toContain(message)
    expect([...seen.intuit, ...seen.zoho]).toEqual([])
  })

  it('set quickbooks without a QuickBooks company is bad usage, naming what to set', async () => {
    const ran = await inProcess(['tokens', 'set', 'quickbooks', '--refresh-token-stdin'], {
      cwd: dir,
      env: { EDUSYNC_TENANT: 'acme-academy' },
      stdin: QB_NEW,
    })
    expect(ran.code).toBe(2)
    expect(ran.stderr).toContain('QUICKBOOKS_REALM_ID')
    expect(seen.intuit).toEqual([])
  })
})

describe('edusync tokens set (child process, real stdin)', () => {
  let qb: MockQuickBooksServer
  beforeAll(async () => {
    qb = await startMockQuickBooks()
  })
  afterAll(async () => {
    await qb.close()
  })

  it('reads the piped token, stores the pair from the loopback token endpoint, and exits', async () => {
    const childEnv = {
      EDUSYNC_TENANT: 'acme-academy',
      QUICKBOOKS_REALM_ID: qb.mock.state.realmId,
      QUICKBOOKS_CLIENT_ID: 'ABclientid',
      QUICKBOOKS_CLIENT_SECRET: 'qb-client-secret-1',
      QUICKBOOKS_TOKEN_URL: qb.tokenUrl,
    }
    const set = await cli(['tokens', 'set', 'quickbooks', '--refresh-token-stdin'], {
      cwd: dir,
      env: childEnv,
      input: 'rt-0\n',
    })
    expect(set.stderr).toBe('')
    expect(set.code).toBe(0)
    expect(set.stdout).toContain('(version 1)')
    expect(set.stdout).not.toContain('rt-')
    expect(qb.mock.state.counts.token).toBe(1)
    const shown = await inProcess(['--json', 'tokens', 'status'], { cwd: dir, env: childEnv })
    expect(JSON.parse(shown.stdout)).toEqual([
      expect.objectContaining({ system: 'quickbooks', stored: true }),
    ])
  }, 60_000)
})
