import { randomUUID } from 'node:crypto'
import type {
  IdempotencyClaim,
  IdempotencyGroups,
  IdempotencyStep,
  Store,
  StoredResponse,
} from '@edusync/core'
import { repeatedKey, StoreError } from '@edusync/core'
import { jsonbText } from '../jsonb-guard.ts'
import type { idempotencySql } from '../sql/idempotency-sql.ts'
import type { Op } from './op.ts'

type IdempotencyMethods = Pick<
  Store,
  'claimIdempotencyKey' | 'renewIdempotencyKey' | 'completeIdempotencyKey' | 'releaseIdempotencyKey'
> &
  IdempotencyGroups

interface ClaimRow {
  request_fingerprint: string
  state: string
  response: StoredResponse | null
  expires_at: Date
  expires_in_ms: number
}

// What a claim row says to a caller that did not take it (its token is not the row's).
function notClaimed(row: ClaimRow, requestFingerprint: string): IdempotencyClaim {
  if (row.request_fingerprint !== requestFingerprint) return { status: 'mismatch' }
  if (row.state === 'completed' && row.response) return { status: 'completed', response: row.response }
  return { status: 'in_progress', expiresInMs: Number(row.expires_in_ms) }
}

function refuseRepeated(keys: readonly string[], operation: string): void {
  const repeated = repeatedKey(keys)
  if (repeated !== undefined) {
    throw new StoreError('Invalid', `${operation}: key ${JSON.stringify(repeated)} is given more than once`)
  }
}

/** @internal The idempotency-key methods of the pg Store. */
export function idempotencyMethods(
  op: Op,
  sql: ReturnType<typeof idempotencySql>,
  maxJsonbDepth: number,
): IdempotencyMethods {
  return {
    claimIdempotencyKey(tenant, request) {
      return op('claimIdempotencyKey', async (x): Promise<IdempotencyClaim> => {
        const token = randomUUID()
        const [row] = await x.query<ClaimRow & { claimed: boolean }>(sql.claim, [
          tenant,
          request.key,
          request.requestFingerprint,
          token,
          request.now ?? null,
          Math.round(request.leaseMs),
          Math.round(request.ttlMs),
        ])
        if (!row) throw new StoreError('Corrupt', 'claimIdempotencyKey: the claim returned no row')
        if (row.claimed) return { status: 'claimed', token, expiresAt: new Date(row.expires_at) }
        return notClaimed(row, request.requestFingerprint)
      })
    },

    claimIdempotencyKeys(tenant, requests, options = {}) {
      return op('claimIdempotencyKeys', async (x): Promise<IdempotencyClaim[]> => {
        if (requests.length === 0) return []
        refuseRepeated(
          requests.map((r) => r.key),
          'claimIdempotencyKeys',
        )
        const tokens = requests.map(() => randomUUID())
        const rows = await x.query<ClaimRow & { key: string; claim_token: string }>(sql.claimGroup, [
          tenant,
          requests.map((r) => r.key),
          requests.map((r) => r.requestFingerprint),
          tokens,
          options.now ?? null,
          requests.map((r) => Math.round(r.leaseMs)),
          requests.map((r) => Math.round(r.ttlMs)),
        ])
        const byKey = new Map(rows.map((row) => [row.key, row]))
        return requests.map((request, i): IdempotencyClaim => {
          const row = byKey.get(request.key)
          if (!row) throw new StoreError('Corrupt', `claimIdempotencyKeys: no row came back for a key`)
          const token = tokens[i] as string
          if (row.claim_token === token) {
            return { status: 'claimed', token, expiresAt: new Date(row.expires_at) }
          }
          return notClaimed(row, request.requestFingerprint)
        })
      })
    },

    renewIdempotencyKey(tenant, holder, options) {
      return op('renewIdempotencyKey', async (x) => {
        const rows = await x.query(sql.renew, [
          tenant,
          holder.key,
          holder.token,
          Math.round(options.leaseMs),
          options.now ?? null,
        ])
        return rows.length > 0 ? ('renewed' as const) : ('lost' as const)
      })
    },

    completeIdempotencyKey(tenant, holder, response, options = {}) {
      return op('completeIdempotencyKey', async (x) => {
        const json = jsonbText(response, 'completeIdempotencyKey: the response', maxJsonbDepth)
        const rows = await x.query(sql.complete, [
          tenant,
          holder.key,
          holder.token,
          json,
          options.now ?? null,
        ])
        return rows.length > 0 ? ('completed' as const) : ('lost' as const)
      })
    },

    completeIdempotencyKeys(tenant, completions, options = {}) {
      return op('completeIdempotencyKeys', async (x) => {
        if (completions.length === 0) return []
        refuseRepeated(
          completions.map((c) => c.holder.key),
          'completeIdempotencyKeys',
        )
        // Each response is checked (and serialised) on its own, as the single-key completion does, and
        // spliced into one JSON array: no second serialisation of what may be a large reply.
        const responses = completions.map((c) =>
          jsonbText(c.response, 'completeIdempotencyKeys: a response', maxJsonbDepth),
        )
        const rows = await x.query<{ key: string }>(sql.completeGroup, [
          tenant,
          completions.map((c) => c.holder.key),
          completions.map((c) => c.holder.token),
          `[${responses.join(',')}]`,
          options.now ?? null,
        ])
        const done = new Set(rows.map((row) => row.key))
        return completions.map(
          (c): IdempotencyStep<'completed'> => (done.has(c.holder.key) ? 'completed' : 'lost'),
        )
      })
    },

    releaseIdempotencyKey(tenant, holder) {
      return op('releaseIdempotencyKey', async (x) => {
        const rows = await x.query(sql.release, [tenant, holder.key, holder.token])
        return rows.length > 0 ? ('released' as const) : ('lost' as const)
      })
    },
  }
}
