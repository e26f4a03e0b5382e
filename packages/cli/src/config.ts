import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import * as z from 'zod'

/** Where the CLI keeps its records: a PostgreSQL server, or embedded PGlite in a directory. */
const storeConfig = z
  .object({
    connectionString: z.string().min(1).optional(),
    dataDir: z.string().min(1).optional(),
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, { message: 'expected a lower-case SQL identifier' })
      .optional(),
  })
  .strict()
  .refine((s) => !(s.connectionString && s.dataDir), {
    message: 'give connectionString (PostgreSQL) or dataDir (PGlite), not both',
  })

const zohoConfig = z
  .object({
    clientId: z.string().min(1, { message: 'required' }),
    clientSecret: z.string().min(1, { message: 'required' }),
    refreshToken: z.string().min(1, { message: 'required' }),
    dataCenter: z.enum(['US', 'EU', 'IN', 'AU', 'JP', 'CA', 'SA', 'CN']).default('US'),
    environment: z.enum(['production', 'sandbox', 'developer']).optional(),
    accountsUrl: z.url().optional(),
    defaultCurrency: z
      .string()
      .regex(/^[A-Z]{3}$/, { message: 'expected an ISO 4217 code like USD' })
      .optional(),
  })
  .strict()

const quickbooksConfig = z
  .object({
    realmId: z.string().regex(/^\d+$/, { message: 'expected the company (realm) id: digits' }),
    clientId: z.string().min(1, { message: 'required' }),
    clientSecret: z.string().min(1, { message: 'required' }),
    /** Seeds the token store when it holds nothing for the realm (see `seedRefreshToken`). */
    refreshToken: z.string().min(1).optional(),
    environment: z.enum(['production', 'sandbox']).default('production'),
    /** Overrides of Intuit's hosts (a local stand-in). */
    baseUrl: z.url().optional(),
    tokenUrl: z.url().optional(),
    /** A JSON file of applicants and students (`CustomerSubject`s); default: read them from the Store. */
    subjectsFile: z.string().min(1).optional(),
  })
  .strict()

/**
 * The Moodle site whose school plugin (`local_mzi_*`) shows the student dashboard. With `dashboard: true`
 * every write records its dashboard push and the step `push:moodle-dashboard` is registered.
 */
const moodleConfig = z
  .object({
    url: z.url({ message: 'expected the Moodle site URL, e.g. https://lms.example.edu' }),
    token: z.string().min(1, { message: 'required' }),
    dashboard: z.boolean().default(false),
  })
  .strict()

/** Money kept by edusync itself: where the `accruals` step finds the contracts to accrue. */
const financeConfig = z
  .object({
    /** A JSON file of `{ id, start, end, amountMinor, currency }` (or `{ "<tenant>": [...] }`). */
    contractsFile: z.string().min(1).optional(),
  })
  .strict()

/** The CLI's configuration, validated: a file (JSON) with environment variables over it. */
export const cliConfig = z
  .object({
    tenant: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
      message: 'expected a tenant slug (lower-case letters, digits, dashes)',
    }),
    store: storeConfig.default({}),
    zoho: zohoConfig.optional(),
    quickbooks: quickbooksConfig.optional(),
    moodle: moodleConfig.optional(),
    finance: financeConfig.optional(),
  })
  .strict()

/** A validated configuration. */
export type CliConfig = z.infer<typeof cliConfig>

/** The file read when neither `--config` nor `EDUSYNC_CONFIG` names one (optional). */
export const DEFAULT_CONFIG_FILE = 'edusync.config.json'

/** Where the embedded database lives when no store is configured. */
export const DEFAULT_DATA_DIR = '.data/edusync'

/** Config paths whose values are secrets: never printed, not even in an error. */
const SECRET_PATHS = new Set([
  'zoho.clientSecret',
  'zoho.refreshToken',
  'store.connectionString',
  'quickbooks.clientSecret',
  'quickbooks.refreshToken',
  'moodle.token',
])

/** Secrets that must come from the environment: a configuration file is checked in, copied, shared. */
const ENV_ONLY: readonly (readonly [string, string])[] = [
  ['quickbooks', 'clientSecret'],
  ['quickbooks', 'refreshToken'],
]

/** Environment variables and the config path each sets. Empty values count as unset. */
const ENV: readonly (readonly [string, string])[] = [
  ['EDUSYNC_TENANT', 'tenant'],
  ['DATABASE_URL', 'store.connectionString'],
  ['EDUSYNC_DATA_DIR', 'store.dataDir'],
  ['EDUSYNC_PG_SCHEMA', 'store.schema'],
  ['ZOHO_CLIENT_ID', 'zoho.clientId'],
  ['ZOHO_CLIENT_SECRET', 'zoho.clientSecret'],
  ['ZOHO_REFRESH_TOKEN', 'zoho.refreshToken'],
  ['ZOHO_DC', 'zoho.dataCenter'],
  ['ZOHO_ACCOUNTS_URL', 'zoho.accountsUrl'],
  ['ZOHO_DEFAULT_CURRENCY', 'zoho.defaultCurrency'],
  ['QUICKBOOKS_REALM_ID', 'quickbooks.realmId'],
  ['QUICKBOOKS_CLIENT_ID', 'quickbooks.clientId'],
  ['QUICKBOOKS_CLIENT_SECRET', 'quickbooks.clientSecret'],
  ['QUICKBOOKS_REFRESH_TOKEN', 'quickbooks.refreshToken'],
  ['QUICKBOOKS_ENVIRONMENT', 'quickbooks.environment'],
  ['QUICKBOOKS_BASE_URL', 'quickbooks.baseUrl'],
  ['QUICKBOOKS_TOKEN_URL', 'quickbooks.tokenUrl'],
  ['QUICKBOOKS_SUBJECTS_FILE', 'quickbooks.subjectsFile'],
  ['EDUSYNC_MOODLE_URL', 'moodle.url'],
  ['EDUSYNC_MOODLE_TOKEN', 'moodle.token'],
  ['EDUSYNC_CONTRACTS_FILE', 'finance.contractsFile'],
]

/** Loading the configuration failed: every problem found, each naming its path and source. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor(readonly problems: readonly string[]) {
    super(
      `configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  - ${problems.join('\n  - ')}`,
    )
  }
}

/**
 * Reads the configuration: the JSON file (`--config`, else `EDUSYNC_CONFIG`, else `./edusync.config.json`
 * when it exists), then environment variables over it. Returns every problem at once, secrets masked.
 */
export function loadConfig(options: {
  file?: string | undefined
  env: NodeJS.ProcessEnv
  cwd: string
}): CliConfig {
  const problems: string[] = []
  const named = options.file ?? (options.env.EDUSYNC_CONFIG || undefined)
  const path = resolve(options.cwd, named ?? DEFAULT_CONFIG_FILE)
  let raw: Record<string, unknown> = {}
  if (named !== undefined || existsSync(path)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'))
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
        raw = parsed as Record<string, unknown>
      else problems.push(`${path}: expected a JSON object`)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      problems.push(
        code === 'ENOENT' ? `${path}: no such file` : `${path}: not valid JSON (${(error as Error).message})`,
      )
    }
  }
  for (const [section, key] of ENV_ONLY) {
    const block = raw[section]
    if (typeof block === 'object' && block !== null && key in block) {
      const variable = ENV.find(([, target]) => target === `${section}.${key}`)?.[0]
      problems.push(`${section}.${key}: a secret is read from ${variable} only, never from the file`)
      delete (block as Record<string, unknown>)[key]
    }
  }
  for (const [variable, target] of ENV) {
    const value = options.env[variable]
    if (value === undefined || value === '') continue
    const [head, tail] = target.split('.') as [string, string | undefined]
    if (tail === undefined) raw[head] = value
    else {
      const section =
        typeof raw[head] === 'object' && raw[head] !== null ? (raw[head] as Record<string, unknown>) : {}
      raw[head] = { ...section, [tail]: value }
    }
  }
  // Only host overrides (base or token URL, subjects file, environment) and no company: the connection
  // itself may be in the tenant registry, which reads those overrides from the environment.
  const qb = raw.quickbooks
  if (
    typeof qb === 'object' &&
    qb !== null &&
    !['realmId', 'clientId', 'clientSecret', 'refreshToken'].some((key) => key in qb)
  ) {
    delete raw.quickbooks
  }
  const parsed = cliConfig.safeParse(raw)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const at = issue.path.join('.') || '(root)'
      const variable = ENV.find(([, target]) => target === at)?.[0]
      const from = variable && options.env[variable] ? ` (from ${variable})` : ''
      const received = SECRET_PATHS.has(at) ? '' : describeReceived(raw, issue.path)
      problems.push(`${at}${from}: ${issue.message}${received}`)
    }
  }
  if (problems.length > 0) throw new ConfigError(problems)
  const parsedConfig = (parsed as { data: CliConfig }).data
  // Relative paths are relative to where the command runs (or the caller's `cwd`).
  const section = parsedConfig.quickbooks
  const withSubjects =
    section?.subjectsFile !== undefined
      ? {
          ...parsedConfig,
          quickbooks: { ...section, subjectsFile: resolve(options.cwd, section.subjectsFile) },
        }
      : parsedConfig
  const contractsFile = withSubjects.finance?.contractsFile
  const config =
    contractsFile !== undefined
      ? { ...withSubjects, finance: { contractsFile: resolve(options.cwd, contractsFile) } }
      : withSubjects
  if (config.store.connectionString) return config
  return {
    ...config,
    store: { ...config.store, dataDir: resolve(options.cwd, config.store.dataDir ?? DEFAULT_DATA_DIR) },
  }
}

/** ` (received <value>)` for the value at `path` in `raw` (shortened), or '' when there is none. */
export function describeReceived(raw: unknown, path: readonly PropertyKey[]): string {
  let value: unknown = raw
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return ''
    value = (value as Record<PropertyKey, unknown>)[key]
  }
  if (value === undefined) return ''
  const text = JSON.stringify(value)
  return ` (received ${text && text.length > 60 ? `${text.slice(0, 57)}...` : text})`
}

/** The configuration as it can be shown: secrets replaced by `[REDACTED]`. */
export function redactConfig(config: CliConfig): Record<string, unknown> {
  const connection = config.store.connectionString
  return {
    tenant: config.tenant,
    store: {
      ...config.store,
      ...(connection
        ? { connectionString: connection.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:[REDACTED]@') }
        : {}),
    },
    ...(config.moodle ? { moodle: { ...config.moodle, token: '[REDACTED]' } } : {}),
    ...(config.zoho
      ? { zoho: { ...config.zoho, clientSecret: '[REDACTED]', refreshToken: '[REDACTED]' } }
      : {}),
    ...(config.quickbooks
      ? {
          quickbooks: {
            ...config.quickbooks,
            clientSecret: '[REDACTED]',
            ...(config.quickbooks.refreshToken ? { refreshToken: '[REDACTED]' } : {}),
          },
        }
      : {}),
    ...(config.finance ? { finance: config.finance } : {}),
  }
}
