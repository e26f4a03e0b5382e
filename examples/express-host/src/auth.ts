import type { Store } from '@edusync/core'
import type { Authenticator } from '@edusync/core/webhooks'
import { bearerAuth, hmacAuth, sharedSecretAuth } from '@edusync/core/webhooks'
import type { HostConfig } from './config.ts'
import { tenantOf } from './context.ts'

/** Headers a signed sender (the Deluge functions) sends. */
export const SIGNATURE_HEADERS = {
  signature: 'x-edusync-signature',
  timestamp: 'x-edusync-timestamp',
  nonce: 'x-edusync-nonce',
} as const

/** Header (or `?secret=` query parameter) carrying the shared secret of Zoho workflow webhooks. */
export const SHARED_SECRET_HEADER = 'x-edusync-secret'

/**
 * Zoho senders: a request carrying a signature must be a valid HMAC (timestamp + nonce, replay-proof);
 * one without is checked against the tenant's shared secret (workflow webhooks cannot sign). A tenant
 * that configures no shared secret therefore accepts signed requests only.
 */
export function zohoAuth(config: HostConfig, store: Store): Authenticator {
  const signed = hmacAuth({
    secret: (t) => tenantOf(config, t)?.signingSecret,
    header: SIGNATURE_HEADERS.signature,
    timestamp: { header: SIGNATURE_HEADERS.timestamp, toleranceSeconds: config.SIGNATURE_TOLERANCE_SECONDS },
    nonce: { header: SIGNATURE_HEADERS.nonce, store },
  })
  const shared = sharedSecretAuth({
    secret: (t) => tenantOf(config, t)?.zohoSecret,
    header: SHARED_SECRET_HEADER,
    query: 'secret',
  })
  return (input) => (input.request.headers.has(SIGNATURE_HEADERS.signature) ? signed(input) : shared(input))
}

/** The Moodle plugin: `Authorization: Bearer <moodleToken>`. */
export function moodleAuth(config: HostConfig): Authenticator {
  return bearerAuth({ token: (t) => tenantOf(config, t)?.moodleToken })
}

/** The bulk sync and listing API: `Authorization: Bearer <apiToken>`. */
export function apiAuth(config: HostConfig): Authenticator {
  return bearerAuth({ token: (t) => tenantOf(config, t)?.apiToken })
}
