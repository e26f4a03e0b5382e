import type { OAuthTokenSet } from '@edusync/core'

/** An access token as Zoho issued it, with the API domain it belongs to. */
export interface ZohoToken {
  /** The access token; never logged. */
  readonly accessToken: string
  /** The `api_domain` Zoho returned with it, e.g. `https://www.zohoapis.eu`. */
  readonly apiDomain: string
  /** Expiry as epoch milliseconds (issue time + `expires_in`). */
  readonly expiresAt: number
}

/**
 * The pair a `TokenStore` keeps for a Zoho token. Zoho's refresh token does not rotate; a configured one
 * stays in the client's configuration, so its pair leaves it empty (`refreshToken` `''`: the store never
 * holds a second copy of the long-lived secret, only the access token, which lives an hour, and its API
 * domain). A refresh token an operator stored (`replaceZohoRefreshToken`) lives only in its pair, so it is
 * passed to be kept there.
 */
export function toTokenSet(token: ZohoToken, refreshToken = ''): OAuthTokenSet {
  return {
    accessToken: token.accessToken,
    refreshToken,
    accessTokenExpiresAt: token.expiresAt,
    refreshTokenExpiresAt: null,
    attributes: { apiDomain: token.apiDomain },
  }
}

/** The Zoho token of a stored pair; `fallbackApiDomain` when the pair does not name its domain. */
export function fromTokenSet(tokens: OAuthTokenSet, fallbackApiDomain: string): ZohoToken {
  return {
    accessToken: tokens.accessToken,
    apiDomain: tokens.attributes?.apiDomain ?? fallbackApiDomain,
    expiresAt: tokens.accessTokenExpiresAt,
  }
}
