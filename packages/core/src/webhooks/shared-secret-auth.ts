import { errAsync, okAsync, ResultAsync } from 'neverthrow'
import type { Authenticator, SecretSource } from './authenticator.ts'
import { resolveSecrets } from './authenticator.ts'
import { matchesAny } from './constant-time.ts'
import { WebhookError } from './webhook-error.ts'

/** Options of {@link sharedSecretAuth}. At least one of `header` and `query` is used. */
export interface SharedSecretAuthOptions {
  /** The tenant's shared secret(s). */
  readonly secret: SecretSource
  /** Header carrying the secret. @default "x-webhook-secret" */
  readonly header?: string
  /**
   * Query parameter carrying the secret, for senders that can only set a URL. Query strings end up in
   * proxy logs: prefer the header, and never log query strings. @default none
   */
  readonly query?: string
}

/**
 * Authenticates senders that cannot sign (Zoho workflow webhooks) by a per-tenant shared secret in a
 * header or query parameter, compared in constant time. It proves who sent the request, not that the body
 * is intact: use it over HTTPS only.
 *
 * @example
 * ```ts
 * const auth = sharedSecretAuth({ secret: (t) => tenants[t]?.zohoSecret, header: 'x-zoho-secret', query: 'secret' })
 * ```
 */
export function sharedSecretAuth(options: SharedSecretAuthOptions): Authenticator {
  const header = options.header ?? 'x-webhook-secret'
  return ({ request, url, tenant }) =>
    ResultAsync.fromSafePromise(resolveSecrets(options.secret, tenant)).andThen((secrets) => {
      if (secrets.length === 0) {
        return errAsync(new WebhookError('Forbidden', 'this tenant accepts no shared-secret webhooks'))
      }
      const presented =
        request.headers.get(header) ??
        (options.query === undefined ? null : url.searchParams.get(options.query))
      if (presented === null || presented === '') {
        const where =
          options.query === undefined ? `header ${header}` : `header ${header} or query ${options.query}`
        return errAsync(new WebhookError('Unauthenticated', `missing shared secret (${where})`))
      }
      return matchesAny(presented, secrets)
        ? okAsync({ scheme: 'shared-secret' as const })
        : errAsync(new WebhookError('Unauthenticated', 'wrong shared secret'))
    })
}
