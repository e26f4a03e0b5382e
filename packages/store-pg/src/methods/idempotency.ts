import { randomUUID } from 'node:crypto'
import type { IdempotencyClaim, Store, StoredResponse } from '@edusync/core'
import { StoreError } from '@edusync/core'
import { jsonbText } from '../jsonb-guard.ts'
import type { idempotencySql } from '../sql/idempotency-sql.ts'
import type { Op } from './op.ts'

type IdempotencyMethods = Pick<
  Store,
  'claimIdempotencyKey' | 'renewIdempotencyKey' | 'completeIdempotencyKey' | 'releaseIdempotencyKey'
>

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
        const [row] = await x.query<{
          claimed: boolean
          request_fingerprint: string
          state: string
          response: StoredResponse | null
          expires_at: Date
          expires_in_ms: number
        }>(sql.claim, [
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
        if (row.request_fingerprint !== request.requestFingerprint) return { status: 'mismatch' }
        if (row.state === 'completed' && row.response) return { status: 'completed', response: row.response }
        return { status: 'in_progress', expiresInMs: Number(row.expires_in_ms) }
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

    releaseIdempotencyKey(tenant, holder) {
      return op('releaseIdempotencyKey', async (x) => {
        const rows = await x.query(sql.release, [tenant, holder.key, holder.token])
        return rows.length > 0 ? ('released' as const) : ('lost' as const)
      })
    },
  }
}
