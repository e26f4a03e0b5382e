import type { OAuthTokenSet, StoredTokenSet, TokenStore } from '@edusync/core'
import type { tokensSql } from '../sql/tokens-sql.ts'
import type { Op } from './op.ts'

interface PairRow {
  tokens: OAuthTokenSet | string
  version: number
  updated_at: Date
}

// node-postgres parses json columns; PGlite does too, but a driver configured otherwise hands back text.
const toStored = (r: PairRow): StoredTokenSet => ({
  tokens: typeof r.tokens === 'string' ? (JSON.parse(r.tokens) as OAuthTokenSet) : r.tokens,
  version: Number(r.version),
  updatedAt: r.updated_at,
})

/** @internal The Postgres {@link TokenStore}, sharing the pg Store's executor. */
export function pgTokenStore(op: Op, sql: ReturnType<typeof tokensSql>): TokenStore {
  const readPair = async (x: Parameters<Parameters<Op>[1]>[0], tenant: string, key: string) => {
    const [row] = await x.query<PairRow>(sql.read, [tenant, key])
    return row ? toStored(row) : null
  }
  return {
    id: 'pg',
    read(tenant, key) {
      return op('tokenStore.read', (x) => readPair(x, tenant, key))
    },
    compareAndSet(tenant, key, expectedVersion, tokens) {
      return op('tokenStore.compareAndSet', async (x) => {
        const json = JSON.stringify(tokens)
        const [row] =
          expectedVersion === null
            ? await x.query<{ version: number }>(sql.insert, [tenant, key, json])
            : await x.query<{ version: number }>(sql.update, [tenant, key, json, expectedVersion])
        if (row) return { status: 'written' as const, version: Number(row.version) }
        return { status: 'conflict' as const, current: await readPair(x, tenant, key) }
      })
    },
    replace(tenant, key, tokens) {
      return op('tokenStore.replace', async (x) => {
        const [row] = await x.query<{ version: number }>(sql.replace, [tenant, key, JSON.stringify(tokens)])
        return Number(row?.version)
      })
    },
    remove(tenant, key) {
      return op('tokenStore.remove', async (x) => {
        await x.query(sql.remove, [tenant, key])
      })
    },
    acquireRefreshLease(tenant, key, request) {
      return op('tokenStore.acquireRefreshLease', async (x) => {
        const rows = await x.query(sql.acquire, [
          tenant,
          key,
          request.holder,
          Math.round(request.leaseMs),
          request.now ?? null,
        ])
        return rows.length === 1
      })
    },
    releaseRefreshLease(tenant, key, holder) {
      return op('tokenStore.releaseRefreshLease', async (x) => {
        await x.query(sql.release, [tenant, key, holder])
      })
    },
  }
}
