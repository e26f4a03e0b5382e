import { NOW } from './now.ts'

/** Statements over idempotency keys, for one schema (`s` is its quoted name). */
export function idempotencySql(s: string) {
  // $5 is the caller's clock (or NULL for the server's).
  const at = `coalesce($5::timestamptz, ${NOW})`
  const expired = `k.expires_at <= ${at}`
  const take = (column: string) =>
    `${column} = CASE WHEN ${expired} THEN excluded.${column} ELSE k.${column} END`
  return {
    /**
     * Claims a key in one atomic statement. A live row (lease or ttl not expired) is kept as it is; an
     * absent or expired one becomes ours. The caller's random token tells which happened, and the row's
     * state and fingerprint tell a duplicate from a mismatch: no read-then-write race.
     */
    claim: `INSERT INTO ${s}.idempotency_keys AS k
        (tenant, key, request_fingerprint, state, claim_token, expires_at, ttl_ms, response)
      VALUES ($1, $2, $3, 'in_progress', $4, ${at} + $6::bigint * interval '1 millisecond', $7, NULL)
      ON CONFLICT (tenant, key) DO UPDATE SET
        ${take('request_fingerprint')}, ${take('state')}, ${take('expires_at')},
        ${take('ttl_ms')}, ${take('response')}, ${take('claim_token')}
      RETURNING claim_token = $4 AS claimed, request_fingerprint, state, response`,

    complete: `UPDATE ${s}.idempotency_keys
      SET state = 'completed', response = $3::jsonb,
          expires_at = coalesce($4::timestamptz, ${NOW}) + ttl_ms * interval '1 millisecond'
      WHERE tenant = $1 AND key = $2 AND state = 'in_progress'
      RETURNING 1 AS done`,

    release: `DELETE FROM ${s}.idempotency_keys WHERE tenant = $1 AND key = $2 AND state = 'in_progress'`,
  }
}
