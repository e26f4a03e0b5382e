import { randomUUID } from 'node:crypto'
import type { IdempotencyClaim, Store, StoredResponse } from '@edusync/core'
import { StoreError } from '@edusync/core'
import type { idempotencySql } from '../sql/idempotency-sql.ts'
import type { Op } from './op.ts'

type IdempotencyMethods = Pick<
  Store,
  'claimIdempotencyKey' | 'completeIdempotencyKey' | 'releaseIdempotencyKey'
>

/** @internal The idempotency-key methods of the pg Store. */
export function idempotencyMethods(op: Op, sql: ReturnType<typeof idempotencySql>): IdempotencyMethods {
  return {
    claimIdempotencyKey(tenant, request) {
      return op('claimIdempotencyKey', async (x): Promise<IdempotencyClaim> => {
        const token = randomUUID()
        const [row] = await x.query<{
          claimed: boolean
          request_fingerprint: string
          state: string
          response: StoredResponse | null
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
        if (row.claimed) return { status: 'claimed' }
        if (row.request_fingerprint !== request.requestFingerprint) return { status: 'mismatch' }
        if (row.state === 'completed' && row.response) return { status: 'completed', response: row.response }
        return { status: 'in_progress' }
      })
    },

    completeIdempotencyKey(tenant, key, response, options = {}) {
      return op('completeIdempotencyKey', async (x) => {
        const rows = await x.query(sql.complete, [tenant, key, JSON.stringify(response), options.now ?? null])
        if (rows.length === 0)
          throw new StoreError('Invalid', `idempotency key ${JSON.stringify(key)} is not claimed`)
      })
    },

    releaseIdempotencyKey(tenant, key) {
      return op('releaseIdempotencyKey', async (x) => {
        await x.query(sql.release, [tenant, key])
      })
    },
  }
}
