import { withRetry } from '@edusync/http'
import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import type { ResolvedZohoConfig } from '../config.ts'
import { ZohoError } from '../errors.ts'
import type { Transport } from '../http/transport.ts'
import { tokenResponse } from '../schemas/token.ts'
import type { ZohoToken } from './zoho-token.ts'

/**
 * One `grant_type=refresh_token` call to the accounts server: the access token the refresh token mints,
 * or `Auth` when Zoho refuses it. Success is the presence of `access_token` in the body, never the HTTP
 * status: Zoho answers `{"error":"invalid_code"}` with HTTP 200 for a revoked or expired refresh token.
 */
export async function refreshAccessToken(
  config: ResolvedZohoConfig,
  transport: Transport,
  refreshToken: string,
  now: () => number,
): Promise<Result<ZohoToken, ZohoError>> {
  const url = `${config.accountsUrl}/oauth/v2/token`
  const request = { method: 'POST', url }
  const form = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: config.clientId,
    client_secret: config.clientSecret,
    refresh_token: refreshToken,
  })
  const issuedAt = now()
  const sent = await withRetry(() => transport({ method: 'POST', url, body: form }), config.retry, {
    idempotent: true,
  })
  if (sent.isErr()) return err(sent.error)
  const response = sent.value
  if (response.status === 429) {
    return err(
      new ZohoError('RateLimited', 'Zoho token endpoint kept answering 429', { request, status: 429 }),
    )
  }
  if (response.status >= 500) {
    return err(
      new ZohoError('Transport', `Zoho token endpoint answered HTTP ${response.status}`, {
        request,
        status: response.status,
      }),
    )
  }
  let json: unknown
  try {
    json = JSON.parse(response.body)
  } catch (cause) {
    return err(
      new ZohoError(
        'Decode',
        `Zoho token endpoint answered HTTP ${response.status} with a body that is not JSON`,
        { request, status: response.status, cause },
      ),
    )
  }
  const parsed = tokenResponse.safeParse(json)
  if (!parsed.success || parsed.data.access_token === undefined) {
    const code = parsed.success ? parsed.data.error : undefined
    return err(
      new ZohoError(
        'Auth',
        `Zoho refused the refresh token: ${code ?? 'no access_token in the answer'} (check client id, secret, refresh token and data center)`,
        { request, status: response.status, ...(code ? { code } : {}) },
      ),
    )
  }
  const data = parsed.data
  const lifetimeSeconds = data.expires_in ?? data.expires_in_sec ?? 3600
  return ok({
    accessToken: data.access_token as string,
    apiDomain: (data.api_domain ?? config.fallbackApiDomain).replace(/\/+$/, ''),
    expiresAt: issuedAt + lifetimeSeconds * 1000,
  })
}
