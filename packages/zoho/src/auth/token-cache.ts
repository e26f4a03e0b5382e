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
 * Where access tokens are kept between calls. Zoho lets one refresh token mint only 10 access tokens per
 * 10 minutes, so processes that share a refresh token should share a cache (a database row, Redis key,
 * ...) rather than each refreshing on its own. Methods may be sync or async; a failing cache is treated
 * as empty (the client refreshes) rather than failing the call.
 */
export interface TokenCache {
  /** The token stored under `key`, or `undefined`. Expired tokens may be returned; the client checks. */
  get(key: string): Promise<ZohoToken | undefined> | ZohoToken | undefined
  /** Stores a freshly issued token under `key`. */
  set(key: string, token: ZohoToken): Promise<void> | void
}

/** An in-process {@link TokenCache}: the default, enough for a single process. */
export function createMemoryTokenCache(): TokenCache {
  const tokens = new Map<string, ZohoToken>()
  return {
    get: (key) => tokens.get(key),
    set: (key, token) => {
      tokens.set(key, token)
    },
  }
}
