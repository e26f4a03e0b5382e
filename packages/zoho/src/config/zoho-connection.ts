import type { ZohoClient } from '../client.ts'
import { createZohoClient } from '../client.ts'
import type { ZohoConfig, ZohoDataCenter, ZohoEnvironment } from '../config.ts'

/** A tenant's opened Zoho connection, as the registry's config API hands it over. */
export interface OpenedZohoConnection {
  readonly settings: Readonly<Record<string, unknown>>
  readonly secrets: Readonly<Record<string, string>>
}

/**
 * Builds a client from a registry connection (settings `dataCenter`, `clientId`, `environment`; secrets
 * `clientSecret`, `refreshToken`). `extra` adds client options (retry, a shared `tokenStore` with its `tenant`).
 */
export function zohoClientFromConnection(
  connection: OpenedZohoConnection,
  extra: Partial<ZohoConfig> = {},
): ZohoClient {
  const { settings, secrets } = connection
  return createZohoClient({
    dataCenter: settings.dataCenter as ZohoDataCenter,
    clientId: String(settings.clientId ?? ''),
    clientSecret: secrets.clientSecret ?? '',
    refreshToken: secrets.refreshToken ?? '',
    ...(settings.environment ? { environment: settings.environment as ZohoEnvironment } : {}),
    ...extra,
  })
}
