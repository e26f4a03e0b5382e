import type { ResultAsync } from 'neverthrow'
import type { TenantId } from '../types/primitives.ts'
import type { WebhookError } from './webhook-error.ts'

/** What an {@link Authenticator} sees: the request, its exact raw body, and the tenant the host resolved. */
export interface AuthInput {
  readonly request: Request
  readonly url: URL
  readonly body: Uint8Array
  readonly tenant: TenantId
}

/** A successful authentication. */
export interface Authenticated {
  /** Which scheme accepted the request (for logs). */
  readonly scheme: 'hmac' | 'shared-secret' | 'bearer'
  /**
   * Undoes side effects of authenticating (a claimed nonce) when the request then fails with a retryable
   * error, so the sender's retry of the same signed request is accepted.
   */
  readonly onFailure?: () => Promise<void>
}

/**
 * Authenticates one request for one tenant: `ok` or `err(WebhookError)` with reason `Unauthenticated`
 * (401: missing/wrong credentials, tampered body, stale timestamp, replayed nonce), `Forbidden` (403: the
 * tenant accepts no such credentials) or `Unavailable` (503: the nonce could not be recorded).
 */
export type Authenticator = (input: AuthInput) => ResultAsync<Authenticated, WebhookError>

/**
 * Where a tenant's secrets come from: one secret, several (accepted side by side during a rotation), or
 * `undefined` when the tenant has none for this sender (answered 403). Resolved per request, so secrets can
 * live in a database or a vault.
 */
export type SecretSource = (
  tenant: TenantId,
) => string | readonly string[] | undefined | Promise<string | readonly string[] | undefined>

/** Resolves a {@link SecretSource} to a non-empty list, dropping empty strings (never a valid secret). */
export async function resolveSecrets(source: SecretSource, tenant: TenantId): Promise<readonly string[]> {
  const value = await source(tenant)
  const list = value === undefined ? [] : typeof value === 'string' ? [value] : value
  return list.filter((s) => s.length > 0)
}
