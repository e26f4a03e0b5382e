import { createHash } from 'node:crypto'
import type { ResolvedZohoConfig, ZohoConfig } from '../config.ts'
import { resolveConfig } from '../config.ts'

/**
 * The TokenStore key of the access token a configured refresh token minted: it names the accounts server,
 * the client id and a hash of the refresh token (identifying it without containing it).
 */
export function zohoTokenKey(
  config: Pick<ResolvedZohoConfig, 'accountsUrl' | 'clientId' | 'refreshToken'>,
): string {
  const digest = createHash('sha256').update(config.refreshToken).digest('hex').slice(0, 24)
  return `zoho:${config.accountsUrl}:${config.clientId}:${digest}`
}

/**
 * The TokenStore key of the refresh token an operator stored for a Zoho client (its accounts server and
 * client id, `replaceZohoRefreshToken`): the pair there holds that refresh token and its latest access
 * token. Clients of the tenant with the same accounts server and client id use it instead of their
 * configured refresh token.
 */
export function zohoStoredTokenKey(config: Pick<ResolvedZohoConfig, 'accountsUrl' | 'clientId'>): string {
  return `zoho:${config.accountsUrl}:${config.clientId}:stored`
}

/**
 * Both TokenStore keys of a client configuration (defaults applied, as the client does): `stored`, the
 * operator's refresh token with its access token, used when present; `configured`, the access token of the
 * configured refresh token. For status displays; the pairs hold secrets, so show only their dates.
 */
export function zohoTokenKeys(config: ZohoConfig): { readonly stored: string; readonly configured: string } {
  const resolved = resolveConfig(config)
  return { stored: zohoStoredTokenKey(resolved), configured: zohoTokenKey(resolved) }
}
