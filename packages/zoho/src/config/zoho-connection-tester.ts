import type { ConnectionTester } from '@edusync/core/config-api'
import type { ZohoConfig } from '../config.ts'
import { zohoClientFromConnection } from './zoho-connection.ts'

/**
 * "Test connection" for Zoho: refreshes an access token and reads the current user
 * (`GET /crm/v8/users?type=CurrentUser`), the cheapest call that proves the credentials, the data centre
 * and the CRM scope. A failure reports the Zoho error's reason and message, never a credential.
 *
 * @example
 * ```ts
 * createConfigApi({ ..., testConnection: { zoho: zohoConnectionTester() } })
 * ```
 */
export function zohoConnectionTester(extra: Partial<ZohoConfig> = {}): ConnectionTester {
  return async (connection) => {
    let client: ReturnType<typeof zohoClientFromConnection>
    try {
      client = zohoClientFromConnection(connection, extra)
    } catch (error) {
      return { ok: false, message: `the Zoho settings are not usable: ${(error as Error).message}` }
    }
    const answer = await client.request({
      method: 'GET',
      path: '/crm/v8/users',
      searchParams: { type: 'CurrentUser' },
    })
    if (answer.isErr())
      return { ok: false, message: `Zoho refused: ${answer.error.reason}: ${answer.error.message}` }
    const user = (JSON.parse(answer.value.body) as { users?: { full_name?: string; email?: string }[] })
      .users?.[0]
    return { ok: true, detail: `signed in as ${user?.full_name ?? 'unknown'} <${user?.email ?? 'no email'}>` }
  }
}
