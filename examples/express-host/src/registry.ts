import { mkdirSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { SecretBox, Store, TenantRegistry } from '@edusync/core'
import { createSecretBox, parseKeyRing } from '@edusync/core'
import type { ConfigApi } from '@edusync/core/config-api'
import { createConfigApi } from '@edusync/core/config-api'
import { moodleConnectionTester } from '@edusync/moodle'
import type { PgRegistry } from '@edusync/store-pg'
import { createPgRegistry } from '@edusync/store-pg'
import { zohoConnectionTester, zohoFieldMapValidator } from '@edusync/zoho'
import * as z from 'zod'
import type { HostConfig } from './config.ts'
import type { Logger } from './logging.ts'
import type { TenantDirectory } from './tenant-directory.ts'
import { createTenantDirectory } from './tenant-directory.ts'

const registryEnv = z.object({
  /** The key ring sealing secrets at rest: `kid:base64key[,kid:base64key]`, first = current. */
  EDUSYNC_CONFIG_KEYS: z.string().optional(),
  /** A file holding the key ring instead (e.g. a mounted secret). */
  EDUSYNC_CONFIG_KEYS_FILE: z.string().optional(),
  /** Admin bearer token(s) of the config API, comma separated. */
  EDUSYNC_ADMIN_TOKEN: z.string().optional(),
  /** HMAC signing secret(s) of the embedded widget / CLI, comma separated. */
  EDUSYNC_CONFIG_SIGNING_SECRET: z.string().optional(),
  /** How often every process reloads the registry (other processes' writes), in seconds. */
  EDUSYNC_REGISTRY_REFRESH_SECONDS: z.coerce.number().int().min(1).default(30),
})

/** The host's registry wiring: the config API to mount and the directory that feeds the routes. */
export interface HostRegistry {
  readonly api: ConfigApi
  readonly directory: TenantDirectory
  /** Stops the periodic refresh. */
  stop(): void
}

const list = (text: string | undefined) =>
  (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length >= 16)

/**
 * Reads the key ring from `EDUSYNC_CONFIG_KEYS` or `EDUSYNC_CONFIG_KEYS_FILE`; `undefined` when neither
 * is set (the host then serves the environment's tenants only, as before). Errors never echo key text.
 */
export function loadSecretBox(env: Readonly<Record<string, string | undefined>>): SecretBox | undefined {
  const parsed = registryEnv.parse(env)
  const text =
    parsed.EDUSYNC_CONFIG_KEYS ??
    (parsed.EDUSYNC_CONFIG_KEYS_FILE ? readFileSync(parsed.EDUSYNC_CONFIG_KEYS_FILE, 'utf8') : undefined)
  if (text === undefined) return undefined
  const ring = parseKeyRing(text)
  if (ring.isErr()) throw new Error(`invalid EDUSYNC_CONFIG_KEYS: ${ring.error.message}`)
  return createSecretBox(ring.value)
}

/**
 * Wires the registry into the host: seeds it from `EDUSYNC_TENANTS` on first start, loads its tenants
 * into the live tenant map, builds the config API (every write reloads its tenant before answering) and
 * refreshes periodically for writes made through other processes.
 */
export async function openHostRegistry(input: {
  readonly config: HostConfig
  readonly env: Readonly<Record<string, string | undefined>>
  readonly registry: TenantRegistry
  readonly secrets: SecretBox
  readonly store: Store
  readonly logger: Logger
}): Promise<HostRegistry> {
  const env = registryEnv.parse(input.env)
  const directory = createTenantDirectory({
    registry: input.registry,
    secrets: input.secrets,
    tenants: input.config.tenants,
    logger: input.logger,
  })
  if (!input.config.demoTenants) await directory.seed(input.config.tenants)
  await directory.refreshAll()
  const api = createConfigApi({
    registry: input.registry,
    secrets: input.secrets,
    store: input.store,
    auth: {
      adminTokens: list(env.EDUSYNC_ADMIN_TOKEN),
      signingSecrets: list(env.EDUSYNC_CONFIG_SIGNING_SECRET),
      toleranceSeconds: input.config.SIGNATURE_TOLERANCE_SECONDS,
    },
    validateFieldMap: zohoFieldMapValidator(),
    testConnection: { zoho: zohoConnectionTester(), moodle: moodleConnectionTester() },
    onChange: (tenant) => directory.refresh(tenant),
  })
  const timer = setInterval(
    () => void directory.refreshAll().catch(() => {}),
    env.EDUSYNC_REGISTRY_REFRESH_SECONDS * 1000,
  )
  timer.unref()
  return { api, directory, stop: () => clearInterval(timer) }
}

/**
 * Opens the registry's database: the same PostgreSQL as the Store when `DATABASE_URL` is set (its own
 * small pool), else an embedded PGlite beside the Store's (`<DATA_DIR>-registry`: one PGlite directory
 * cannot be opened twice). Migrated before use, so a bad database fails the start.
 */
export async function openRegistry(config: HostConfig): Promise<PgRegistry> {
  let registry: PgRegistry
  if (config.DATABASE_URL !== undefined) {
    registry = createPgRegistry({ connectionString: config.DATABASE_URL, poolSize: 2 })
  } else {
    const dataDir = `${resolve(config.DATA_DIR)}-registry`
    mkdirSync(dataDir, { recursive: true })
    registry = createPgRegistry({ dataDir })
  }
  const probe = await registry.listTenants()
  if (probe.isErr()) {
    await registry.close()
    throw new Error(`could not open the tenant registry: ${probe.error.message}`)
  }
  return registry
}
