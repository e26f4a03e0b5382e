import type { StoredTokenSet, TokenStore } from '@edusync/core'
import type { QuickBooksError } from '@edusync/quickbooks'
import { createQuickBooksOAuth, replaceRefreshToken, tokenKey } from '@edusync/quickbooks'
import type { ZohoConfig, ZohoError } from '@edusync/zoho'
import { replaceZohoRefreshToken, zohoTokenKeys } from '@edusync/zoho'
import type { CliContext } from '../context.ts'
import { zohoClientConfig } from '../context.ts'
import type { Io } from '../output.ts'
import { EXIT, json, table } from '../output.ts'
import { QUICKBOOKS_NOT_CONFIGURED } from './customers.ts'

/** The systems whose OAuth refresh token `edusync tokens` manages. */
export const TOKEN_SYSTEMS = ['quickbooks', 'zoho'] as const

/** One of {@link TOKEN_SYSTEMS}. */
export type TokenSystem = (typeof TOKEN_SYSTEMS)[number]

/** Where `edusync tokens set` reads the new refresh token: never from an argument (shell history, `ps`). */
export interface TokensSetOptions {
  /** Read it from standard input (its first line). */
  readonly refreshTokenStdin?: boolean
  /** Read it from this environment variable. */
  readonly refreshTokenEnv?: string
}

const ZOHO_NOT_CONFIGURED =
  'Zoho is not configured: set ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN (the configured token, even a dead one) and ZOHO_DC or ZOHO_ACCOUNTS_URL, or a `zoho` section in the configuration file'

/** Days a QuickBooks refresh token may have left before `tokens status` warns. */
const WARN_DAYS = 14

const DAY = 86_400_000

/** The new refresh token from stdin or an environment variable, or the usage problem. */
async function readRefreshToken(
  options: TokensSetOptions,
  env: NodeJS.ProcessEnv,
  readStdin: () => Promise<string>,
): Promise<{ token: string } | { problem: string }> {
  const fromEnv = options.refreshTokenEnv
  if (options.refreshTokenStdin === true && fromEnv !== undefined) {
    return { problem: 'give --refresh-token-stdin or --refresh-token-env, not both' }
  }
  if (fromEnv !== undefined) {
    const value = env[fromEnv]?.trim()
    if (!value)
      return { problem: `--refresh-token-env: the environment variable ${fromEnv} is not set or empty` }
    return { token: value }
  }
  if (options.refreshTokenStdin === true) {
    const value = (await readStdin()).trim()
    if (!value) return { problem: '--refresh-token-stdin: nothing was read from standard input' }
    return { token: value }
  }
  return {
    problem:
      'the new refresh token is read from standard input (--refresh-token-stdin) or an environment variable (--refresh-token-env NAME), never from an argument',
  }
}

const iso = (ms: number | null | undefined) => (typeof ms === 'number' ? new Date(ms).toISOString() : null)

function failed(io: Io, system: TokenSystem, error: QuickBooksError | ZohoError): number {
  const hint =
    error.reason === 'Auth'
      ? system === 'quickbooks'
        ? ' Intuit refused the new token: get a fresh one (connect the company again, or the OAuth Playground) and run this again.'
        : ' Zoho refused the new token: generate a new one (access_type=offline, with the same client id and data center) and run this again.'
      : ''
  io.err(
    `edusync tokens set ${system}: ${error.reason}: ${error.message}. Nothing was stored: the stored token is unchanged.${hint}`,
  )
  return EXIT.failures
}

/**
 * `edusync tokens set <quickbooks|zoho>`: replaces the tenant's refresh token after checking it with one
 * real refresh at the system's token endpoint (`replaceRefreshToken` / `replaceZohoRefreshToken`); a
 * refused token stores nothing (exit 1). The token comes from stdin or an environment variable only.
 */
export async function tokensSetCommand(
  ctx: CliContext,
  io: Io,
  env: NodeJS.ProcessEnv,
  readStdin: () => Promise<string>,
  system: string,
  options: TokensSetOptions,
  asJson: boolean,
): Promise<number> {
  if (!(TOKEN_SYSTEMS as readonly string[]).includes(system)) {
    io.err(`edusync tokens set: unknown system "${system}" (expected ${TOKEN_SYSTEMS.join(' or ')})`)
    return EXIT.usage
  }
  const tenant = ctx.config.tenant
  const zoho = zohoClientConfig(ctx.config, ctx.store)
  if (system === 'quickbooks' && !ctx.quickbooks) {
    io.err(`edusync tokens set quickbooks: ${QUICKBOOKS_NOT_CONFIGURED}`)
    return EXIT.usage
  }
  if (system === 'zoho' && !zoho) {
    io.err(`edusync tokens set zoho: ${ZOHO_NOT_CONFIGURED}`)
    return EXIT.usage
  }
  const read = await readRefreshToken(options, env, readStdin)
  if ('problem' in read) {
    io.err(`edusync tokens set ${system}: ${read.problem}`)
    return EXIT.usage
  }

  if (system === 'quickbooks' && ctx.quickbooks) {
    const { setup } = ctx.quickbooks
    const oauth = createQuickBooksOAuth({
      clientId: setup.clientId,
      clientSecret: setup.clientSecret,
      ...(setup.tokenUrl ? { tokenUrl: setup.tokenUrl } : {}),
    })
    const result = await replaceRefreshToken(oauth, ctx.store.tokenStore, tenant, setup.realmId, read.token)
    if (result.isErr()) return failed(io, 'quickbooks', result.error)
    const r = result.value
    if (asJson) {
      io.out(
        json({
          system,
          tenant,
          realmId: r.realmId,
          stored: true,
          version: r.version,
          rotated: r.rotated,
          accessTokenExpiresAt: iso(r.accessTokenExpiresAt),
          refreshTokenExpiresAt: iso(r.refreshTokenExpiresAt),
        }),
      )
      return EXIT.ok
    }
    io.out(
      `quickbooks: the new refresh token works (Intuit issued an access token) and is stored for tenant ${tenant}, company ${r.realmId} (version ${r.version}).`,
    )
    if (r.rotated) {
      io.out(
        '  Intuit answered with a rotated refresh token: that one is stored; the one you gave stops working within a day.',
      )
    }
    io.out(
      `  access token valid until ${iso(r.accessTokenExpiresAt)}; refresh token until ${iso(r.refreshTokenExpiresAt) ?? 'unknown'} (extended on every refresh).`,
    )
    return EXIT.ok
  }

  const result = await replaceZohoRefreshToken(zoho as ZohoConfig, read.token)
  if (result.isErr()) return failed(io, 'zoho', result.error)
  const r = result.value
  if (asJson) {
    io.out(
      json({
        system,
        tenant,
        stored: true,
        version: r.version,
        apiDomain: r.apiDomain,
        accessTokenExpiresAt: iso(r.accessTokenExpiresAt),
      }),
    )
    return EXIT.ok
  }
  io.out(
    `zoho: the new refresh token works (Zoho issued an access token for ${r.apiDomain}) and is stored for tenant ${tenant} (version ${r.version}).`,
  )
  io.out(
    `  Every Zoho client of ${tenant} with client id ${zoho?.clientId} on this database now uses it instead of ZOHO_REFRESH_TOKEN; access token valid until ${iso(r.accessTokenExpiresAt)}.`,
  )
  return EXIT.ok
}

/** One row of `edusync tokens status` (no secret in it). */
export interface TokenStatusRow {
  readonly tenant: string
  readonly system: TokenSystem
  /** Whether a refresh token is stored for the tenant and system (Zoho: set by `tokens set zoho`). */
  readonly stored: boolean
  /** Which refresh token is in force: the stored one, the configured one (Zoho), or none. */
  readonly refreshToken: 'stored' | 'configured' | 'none'
  /** When the pair was last written (a refresh, or `tokens set`). */
  readonly updatedAt: string | null
  readonly version: number | null
  readonly accessTokenExpiresAt: string | null
  /** `null`: the system does not say (Zoho's do not expire until revoked) or nothing is stored. */
  readonly refreshTokenExpiresAt: string | null
  /** What to do, when something needs doing. */
  readonly note: string | null
}

async function readPair(store: TokenStore, tenant: string, key: string): Promise<StoredTokenSet | null> {
  const read = await store.read(tenant, key)
  if (read.isErr()) throw new Error(`the token store could not be read: ${read.error.message}`)
  return read.value
}

/**
 * `edusync tokens status`: per system of the tenant, whether a token is stored, which refresh token is in
 * force, when the pair was last written and when its tokens expire. Never prints a token.
 */
export async function tokensStatusCommand(
  ctx: CliContext,
  io: Io,
  asJson: boolean,
  now: () => number = Date.now,
): Promise<number> {
  const tenant = ctx.config.tenant
  const store = ctx.store.tokenStore
  const rows: TokenStatusRow[] = []
  const zoho = zohoClientConfig(ctx.config, ctx.store)
  if (!ctx.quickbooks && !zoho) {
    io.err(`edusync tokens status: neither QuickBooks nor Zoho is configured for ${tenant}`)
    return EXIT.usage
  }
  try {
    if (ctx.quickbooks) {
      const pair = await readPair(store, tenant, tokenKey(ctx.quickbooks.setup.realmId))
      const expires = pair?.tokens.refreshTokenExpiresAt ?? null
      const note = !pair
        ? 'no token stored: run `edusync tokens set quickbooks`'
        : expires !== null && expires <= now()
          ? 'refresh token expired: run `edusync tokens set quickbooks` with a new one'
          : expires !== null && expires - now() < WARN_DAYS * DAY
            ? `refresh token expires in ${Math.floor((expires - now()) / DAY)} days unless used (any QuickBooks call extends it)`
            : null
      rows.push({
        tenant,
        system: 'quickbooks',
        stored: pair !== null,
        refreshToken: pair ? 'stored' : 'none',
        updatedAt: pair?.updatedAt.toISOString() ?? null,
        version: pair?.version ?? null,
        accessTokenExpiresAt:
          pair && pair.tokens.accessTokenExpiresAt > 0 ? iso(pair.tokens.accessTokenExpiresAt) : null,
        refreshTokenExpiresAt: iso(expires),
        note,
      })
    }
    if (zoho) {
      const keys = zohoTokenKeys(zoho)
      const stored = await readPair(store, tenant, keys.stored)
      const operator = stored !== null && stored.tokens.refreshToken !== ''
      const pair = operator ? stored : await readPair(store, tenant, keys.configured)
      rows.push({
        tenant,
        system: 'zoho',
        stored: operator,
        refreshToken: operator ? 'stored' : 'configured',
        updatedAt: pair?.updatedAt.toISOString() ?? null,
        version: pair?.version ?? null,
        accessTokenExpiresAt: iso(pair?.tokens.accessTokenExpiresAt),
        refreshTokenExpiresAt: null,
        note: operator ? null : 'ZOHO_REFRESH_TOKEN in force (no refresh token stored)',
      })
    }
  } catch (error) {
    io.err(`edusync tokens status: ${(error as Error).message}`)
    return EXIT.failures
  }
  if (asJson) {
    io.out(json(rows))
    return EXIT.ok
  }
  io.out(
    table(
      rows.map((r) => [
        r.tenant,
        r.system,
        r.refreshToken,
        r.updatedAt ?? '-',
        r.accessTokenExpiresAt ?? '-',
        r.refreshTokenExpiresAt ?? '-',
        r.note ?? '',
      ]),
      [
        'tenant',
        'system',
        'refresh token',
        'last written',
        'access token expires',
        'refresh token expires',
        '',
      ],
    ),
  )
  return EXIT.ok
}
