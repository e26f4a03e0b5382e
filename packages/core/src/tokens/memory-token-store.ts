import { okAsync } from 'neverthrow'
import type { TenantId } from '../types/primitives.ts'
import type { OAuthTokenSet, StoredTokenSet, TokenStore } from './token-store.ts'

interface Lease {
  holder: string
  until: number
}

/**
 * An in-process {@link TokenStore}: tests, demos and single-process hosts. Leases and compare-and-set are
 * exact within the process; several processes need a shared store such as `createPgTokenStore`.
 */
export function createMemoryTokenStore(): TokenStore {
  const pairs = new Map<string, StoredTokenSet>()
  const leases = new Map<string, Lease>()
  const k = (tenant: TenantId, key: string) => JSON.stringify([tenant, key])
  const copy = (tokens: OAuthTokenSet): OAuthTokenSet => structuredClone(tokens)
  const write = (id: string, tokens: OAuthTokenSet): number => {
    const version = (pairs.get(id)?.version ?? 0) + 1
    pairs.set(id, { tokens: copy(tokens), version, updatedAt: new Date() })
    return version
  }

  return {
    id: 'memory',
    read(tenant, key) {
      const stored = pairs.get(k(tenant, key))
      return okAsync(stored ? { ...stored, tokens: copy(stored.tokens) } : null)
    },
    compareAndSet(tenant, key, expectedVersion, tokens) {
      const id = k(tenant, key)
      const stored = pairs.get(id)
      if ((stored?.version ?? null) !== expectedVersion) {
        return okAsync({
          status: 'conflict' as const,
          current: stored ? { ...stored, tokens: copy(stored.tokens) } : null,
        })
      }
      return okAsync({ status: 'written' as const, version: write(id, tokens) })
    },
    replace(tenant, key, tokens) {
      return okAsync(write(k(tenant, key), tokens))
    },
    remove(tenant, key) {
      pairs.delete(k(tenant, key))
      leases.delete(k(tenant, key))
      return okAsync(undefined)
    },
    acquireRefreshLease(tenant, key, request) {
      const id = k(tenant, key)
      const now = (request.now ?? new Date()).getTime()
      const lease = leases.get(id)
      if (lease && lease.holder !== request.holder && lease.until > now) return okAsync(false)
      leases.set(id, { holder: request.holder, until: now + request.leaseMs })
      return okAsync(true)
    },
    releaseRefreshLease(tenant, key, holder) {
      const id = k(tenant, key)
      if (leases.get(id)?.holder === holder) leases.delete(id)
      return okAsync(undefined)
    },
  }
}
