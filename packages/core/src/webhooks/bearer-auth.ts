import { errAsync, okAsync, ResultAsync } from 'neverthrow'
import type { Authenticator, SecretSource } from './authenticator.ts'
import { resolveSecrets } from './authenticator.ts'
import { matchesAny } from './constant-time.ts'
import { WebhookError } from './webhook-error.ts'

/** Options of {@link bearerAuth}. */
export interface BearerAuthOptions {
  /** The tenant's accepted token(s). */
  readonly token: SecretSource
}

/**
 * Authenticates `Authorization: Bearer <token>` (the Moodle plugin, bulk API callers) against the tenant's
 * tokens in constant time.
 *
 * @example
 * ```ts
 * const auth = bearerAuth({ token: (t) => tenants[t]?.moodleToken })
 * ```
 */
export function bearerAuth(options: BearerAuthOptions): Authenticator {
  return ({ request, tenant }) =>
    ResultAsync.fromSafePromise(resolveSecrets(options.token, tenant)).andThen((tokens) => {
      if (tokens.length === 0) {
        return errAsync(new WebhookError('Forbidden', 'this tenant accepts no bearer tokens'))
      }
      const header = request.headers.get('authorization')
      if (!header) return errAsync(new WebhookError('Unauthenticated', 'missing Authorization header'))
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
      if (!match?.[1]) {
        return errAsync(new WebhookError('Unauthenticated', 'Authorization must be "Bearer <token>"'))
      }
      return matchesAny(match[1], tokens)
        ? okAsync({ scheme: 'bearer' as const })
        : errAsync(new WebhookError('Unauthenticated', 'wrong bearer token'))
    })
}
