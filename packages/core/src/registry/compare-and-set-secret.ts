import type { ResultAsync } from 'neverthrow'
import { errAsync, okAsync } from 'neverthrow'
import { StoreError } from '../errors/store-error.ts'
import type { ConnectionSystem } from './connections.ts'
import { asStoredConnection, secretContext } from './connections.ts'
import type { AuditContext, TenantRegistry } from './registry.ts'
import type { SecretBox } from './secret-box.ts'
import { SecretError } from './secret-error.ts'

/** Arguments of {@link compareAndSetSecret}. */
export interface CompareAndSetSecretInput {
  readonly tenant: string
  readonly system: ConnectionSystem
  /** The secret's name, e.g. `refreshToken`. */
  readonly name: string
  /** The value the caller refreshed from (what it read before calling the system). */
  readonly expected: string
  /** The value the system issued. */
  readonly next: string
}

/** Outcome of {@link compareAndSetSecret}. */
export type CompareAndSetOutcome =
  | { readonly status: 'written' }
  /** Another refresh stored a newer value first: use `current`, the newest, and drop `next`. */
  | { readonly status: 'stale'; readonly current: string | undefined }

const ATTEMPTS = 5

/**
 * Replaces a rotating token (QuickBooks and Zoho issue a new refresh token on refresh) only if the stored
 * one is still the one the caller refreshed from. Two processes refreshing at once: one writes, the other
 * learns the newest token instead of overwriting it with its own (which the system may already have
 * revoked). A concurrent edit of another field of the connection is retried, not lost.
 */
export function compareAndSetSecret(
  registry: TenantRegistry,
  box: SecretBox,
  input: CompareAndSetSecretInput,
  audit: AuditContext,
  attempts = ATTEMPTS,
): ResultAsync<CompareAndSetOutcome, StoreError | SecretError> {
  const context = secretContext(input.tenant, input.system, input.name)
  return registry.getConfig(input.tenant, 'connection', input.system).andThen((item) => {
    if (!item)
      return errAsync(new SecretError('UnknownKey', `${context}: no ${input.system} connection is stored`))
    const connection = asStoredConnection(item.value)
    const sealed = connection.secrets[input.name]
    let current: string | undefined
    if (sealed) {
      const opened = box.open(sealed, context)
      if (opened.isErr()) return errAsync(opened.error)
      current = opened.value
    }
    if (current !== input.expected) return okAsync<CompareAndSetOutcome>({ status: 'stale', current })
    const value = {
      ...item.value,
      secrets: { ...connection.secrets, [input.name]: box.seal(input.next, context) },
    }
    return registry
      .putConfig(input.tenant, 'connection', input.system, value, item.version, audit)
      .andThen((written): ResultAsync<CompareAndSetOutcome, StoreError | SecretError> => {
        if (written.status === 'written') return okAsync({ status: 'written' })
        if (attempts <= 1) return errAsync(new StoreError('Conflict', `${context}: kept changing; retry`))
        return compareAndSetSecret(registry, box, input, audit, attempts - 1)
      })
  })
}
