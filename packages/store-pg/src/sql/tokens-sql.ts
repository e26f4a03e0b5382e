import { NOW } from './now.ts'

/** Statements over OAuth token pairs and refresh leases, for one schema (`s` is its quoted name). */
export function tokensSql(s: string) {
  const pairs = `${s}.oauth_tokens`
  const leases = `${s}.oauth_refresh_leases`
  return {
    read: `SELECT tokens, version::int AS version, updated_at FROM ${pairs} WHERE tenant = $1 AND key = $2`,
    /** Insert only when absent (compare-and-set against "no version"). */
    insert: `INSERT INTO ${pairs} (tenant, key, tokens, version, updated_at) VALUES ($1, $2, $3::json, 1, ${NOW})
      ON CONFLICT (tenant, key) DO NOTHING RETURNING version::int AS version`,
    /**
     * Compare-and-set: a concurrent writer of the same version waits for the row lock and then finds the
     * version moved on (READ COMMITTED re-evaluates the WHERE), so exactly one of them writes.
     */
    update: `UPDATE ${pairs} SET tokens = $3::json, version = version + 1, updated_at = ${NOW}
      WHERE tenant = $1 AND key = $2 AND version = $4 RETURNING version::int AS version`,
    replace: `INSERT INTO ${pairs} AS p (tenant, key, tokens, version, updated_at) VALUES ($1, $2, $3::json, 1, ${NOW})
      ON CONFLICT (tenant, key) DO UPDATE SET tokens = excluded.tokens, version = p.version + 1, updated_at = excluded.updated_at
      RETURNING version::int AS version`,
    remove: `WITH gone AS (DELETE FROM ${leases} WHERE tenant = $1 AND key = $2)
      DELETE FROM ${pairs} WHERE tenant = $1 AND key = $2`,
    /** $3 holder, $4 lease ms, $5 clock or NULL. Returns a row only when the holder got the lease. */
    acquire: `INSERT INTO ${leases} AS l (tenant, key, holder, lease_until)
      VALUES ($1, $2, $3, coalesce($5::timestamptz, ${NOW}) + $4::bigint * interval '1 millisecond')
      ON CONFLICT (tenant, key) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
      WHERE l.holder = excluded.holder OR l.lease_until <= coalesce($5::timestamptz, ${NOW})
      RETURNING holder`,
    release: `DELETE FROM ${leases} WHERE tenant = $1 AND key = $2 AND holder = $3`,
  }
}
