import type { SecretBox, StoreError, TenantRegistry } from '@edusync/core'
import { asStoredConnection, openConnection } from '@edusync/core'
import type { Result } from 'neverthrow'
import type { TenantConfig } from './config.ts'
import type { Logger } from './logging.ts'

/** Options of {@link createTenantDirectory}. */
export interface TenantDirectoryOptions {
  readonly registry: TenantRegistry
  readonly secrets: SecretBox
  /**
   * The live tenant map the routes read (`config.tenants`): the directory replaces its entries in place,
   * so a tenant added, changed or suspended through the config API takes effect without a restart.
   */
  readonly tenants: Record<string, TenantConfig>
  readonly logger: Logger
}

/** Keeps the host's tenant map in step with the registry. */
export interface TenantDirectory {
  /** Reloads one tenant (after a config API write); a suspended or deleted tenant is removed. */
  refresh(tenant: string): Promise<void>
  /** Whether a tenant syncs a module (entity); modules without a switch do. */
  moduleEnabled(tenant: string, entity: string): boolean
  /** Reloads every tenant (at start, and periodically so other processes' writes arrive too). */
  refreshAll(): Promise<void>
  /**
   * Writes the environment's tenants into an empty registry (first start), so `EDUSYNC_TENANTS` stays a
   * way to seed it. A registry that already has tenants is left alone: it is the source of truth.
   */
  seed(envTenants: Readonly<Record<string, TenantConfig>>): Promise<void>
}

// Registry failures are thrown here and caught by the callers that can decide (refresh keeps the old map).
function must<T>(result: Result<T, StoreError>): T {
  if (result.isErr()) throw result.error
  return result.value
}

const WEBHOOK_SECRETS = ['zohoSecret', 'signingSecret', 'moodleToken', 'apiToken'] as const

/**
 * The tenant resolution layer of the host: registry (tenants, webhook secrets, Zoho credentials, default
 * currency) -> the `TenantConfig` shape the routes already use. Kept separate from the routes so the
 * routes do not change.
 */
export function createTenantDirectory(options: TenantDirectoryOptions): TenantDirectory {
  const { registry, secrets, tenants, logger } = options
  const disabled = new Map<string, ReadonlySet<string>>()

  async function load(tenant: string): Promise<TenantConfig | undefined> {
    const record = must(await registry.getTenant(tenant))
    if (!record || record.status !== 'active') return undefined
    const items = must(await registry.listConfig(tenant))
    const config: Record<string, unknown> = {}
    disabled.set(
      tenant,
      new Set(items.filter((i) => i.kind === 'module' && i.value.enabled === false).map((i) => i.key)),
    )
    for (const item of items) {
      if (
        item.kind === 'connection' &&
        (item.key === 'webhook' || item.key === 'zoho' || item.key === 'moodle')
      ) {
        const opened = openConnection(secrets, tenant, item.key, asStoredConnection(item.value))
        if (opened.isErr()) {
          // The tenant stays out (refused 404) rather than half-configured; the message names no secret.
          logger.error('tenant secrets do not open', { tenant, error: opened.error.message })
          return undefined
        }
        if (item.key === 'webhook') {
          for (const name of WEBHOOK_SECRETS)
            if (opened.value.secrets[name]) config[name] = opened.value.secrets[name]
        } else if (item.key === 'zoho') {
          config.zoho = { ...opened.value.settings, ...opened.value.secrets }
        } else if (opened.value.secrets.token) {
          // The host's Moodle site config: the connection's settings plus its token.
          config.moodle = {
            categories: {},
            defaultUsers: [],
            ...opened.value.settings,
            token: opened.value.secrets.token,
          }
        }
      }
      // The dashboard push is off unless its module switch is explicitly on.
      if (item.kind === 'module' && item.key === 'moodle-dashboard')
        config.dashboard = item.value.enabled === true
      if (item.kind === 'field-map' && typeof item.value.defaultCurrency === 'string') {
        config.defaultCurrency = item.value.defaultCurrency
      }
    }
    return config as TenantConfig
  }

  const directory: TenantDirectory = {
    moduleEnabled: (tenant, entity) => !disabled.get(tenant)?.has(entity),

    async refresh(tenant) {
      let next: TenantConfig | undefined
      try {
        next = await load(tenant)
      } catch (error) {
        // The registry is unreachable: keep serving what we had (stale beats refusing every webhook).
        logger.warn('tenant refresh failed; keeping the previous configuration', { tenant, error })
        return
      }
      if (next) tenants[tenant] = next
      else delete tenants[tenant]
    },

    async refreshAll() {
      const listed = must(await registry.listTenants())
      const known = new Set(listed.map((t) => t.tenant))
      for (const t of listed) await directory.refresh(t.tenant)
      for (const id of Object.keys(tenants)) if (!known.has(id)) delete tenants[id]
    },

    async seed(envTenants) {
      if (must(await registry.listTenants()).length > 0) return
      const audit = { actor: 'env-seed' }
      for (const [tenant, config] of Object.entries(envTenants)) {
        await registry.putTenant(tenant, { name: tenant, status: 'active' }, 0, audit)
        const hook = Object.fromEntries(
          WEBHOOK_SECRETS.filter((n) => config[n]).map((n) => [n, config[n] as string]),
        )
        const seal = (system: string, name: string, value: string) =>
          secrets.seal(value, `${tenant}/${system}/${name}`)
        await registry.putConfig(
          tenant,
          'connection',
          'webhook',
          {
            settings: {},
            secrets: Object.fromEntries(Object.entries(hook).map(([n, v]) => [n, seal('webhook', n, v)])),
          },
          0,
          audit,
        )
        if (config.zoho) {
          const { clientSecret, refreshToken, ...settings } = config.zoho
          await registry.putConfig(
            tenant,
            'connection',
            'zoho',
            {
              settings,
              secrets: {
                clientSecret: seal('zoho', 'clientSecret', clientSecret),
                refreshToken: seal('zoho', 'refreshToken', refreshToken),
              },
            },
            0,
            audit,
          )
        }
        if (config.moodle) {
          const { token, ...settings } = config.moodle
          await registry.putConfig(
            tenant,
            'connection',
            'moodle',
            { settings, secrets: { token: seal('moodle', 'token', token) } },
            0,
            audit,
          )
        }
        if (config.defaultCurrency) {
          await registry.putConfig(
            tenant,
            'field-map',
            'zoho',
            { defaultCurrency: config.defaultCurrency },
            0,
            audit,
          )
        }
      }
    },
  }
  return directory
}
