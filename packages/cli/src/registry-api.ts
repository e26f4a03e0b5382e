import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { dirname, resolve } from 'node:path'
import type { SecretBox } from '@edusync/core'
import { createMemoryStore, createSecretBox, parseKeyRing } from '@edusync/core'
import { createConfigApi } from '@edusync/core/config-api'
import type { PgRegistry } from '@edusync/store-pg'
import { createPgRegistry } from '@edusync/store-pg'
import { zohoConnectionTester, zohoFieldMapValidator } from '@edusync/zoho'
import type { CliConfig } from './config.ts'
import { ConfigError } from './config.ts'

/** The registry commands' view: the config API called in-process, plus the registry and key ring. */
export interface RegistryApi {
  /** Calls the configuration API (`/config/...`) as the CLI's user; returns status, ETag and JSON. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; etag: string | null; body: Record<string, unknown> }>
  readonly registry: PgRegistry
  readonly secrets: SecretBox
  readonly actor: string
  close(): Promise<void>
}

/**
 * Reads the key ring from `EDUSYNC_CONFIG_KEYS` or the file in `EDUSYNC_CONFIG_KEYS_FILE` (first key
 * current). Errors name the variable, never key material.
 */
export function loadKeyRing(env: NodeJS.ProcessEnv): SecretBox {
  const text =
    env.EDUSYNC_CONFIG_KEYS ||
    (env.EDUSYNC_CONFIG_KEYS_FILE ? readFileSync(env.EDUSYNC_CONFIG_KEYS_FILE, 'utf8') : undefined)
  if (!text) {
    throw new ConfigError([
      'EDUSYNC_CONFIG_KEYS (or EDUSYNC_CONFIG_KEYS_FILE): required to seal and open secrets',
    ])
  }
  const ring = parseKeyRing(text)
  if (ring.isErr()) throw new ConfigError([`EDUSYNC_CONFIG_KEYS: ${ring.error.message}`])
  return createSecretBox(ring.value)
}

/**
 * Opens the tenant registry in the configured database and the config API over it, in-process: the CLI
 * goes through the same validation, ETags, masking and audit as the HTTP API, as `cli:<user>`.
 */
export function openRegistryApi(config: CliConfig, env: NodeJS.ProcessEnv): RegistryApi {
  const secrets = loadKeyRing(env)
  const { connectionString, dataDir, schema } = config.store
  if (!connectionString && dataDir) mkdirSync(dirname(resolve(dataDir)), { recursive: true })
  const registry = createPgRegistry(
    connectionString
      ? { connectionString, poolSize: 2, ...(schema ? { schema } : {}) }
      : { dataDir, ...(schema ? { schema } : {}) },
  )
  // A one-process token: the in-process API is never reachable from outside.
  const token = randomBytes(24).toString('hex')
  const actor = `cli:${userInfo().username}`
  const api = createConfigApi({
    registry,
    secrets,
    // Runs and nonces are not used by the CLI's calls; the Store's database stays closed.
    store: createMemoryStore(),
    auth: { adminTokens: [token], adminActor: actor },
    validateFieldMap: zohoFieldMapValidator(),
    testConnection: { zoho: zohoConnectionTester() },
  })
  return {
    registry,
    secrets,
    actor,
    async call(method, path, body, headers = {}) {
      const response = await api(
        new Request(`http://edusync-cli/config${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
      )
      const text = await response.text()
      return {
        status: response.status,
        etag: response.headers.get('etag'),
        body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
      }
    },
    close: () => registry.close(),
  }
}
