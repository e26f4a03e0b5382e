import { NOW } from './now.ts'

/** Statements over idempotency keys, for one schema (`s` is its quoted name). */
export function idempotencySql(s: string) {
  // $5 is the caller's clock (or NULL for the server's).
  const at = `coalesce($5::timestamptz, ${NOW})`
  const expired = `k.expires_at <= ${at}`
  const take = (column: string) =>
    `${column} = CASE WHEN ${expired} THEN excluded.${column} ELSE k.${column} END`
  // The fencing check of every later step: the key is still in progress under the holder's token.
  const held = `tenant = $1 AND key = $2 AND state = 'in_progress' AND claim_token = $3`
  return {
    /**
     * Claims a key in one atomic statement. A live row (lease or ttl not expired) is kept as it is; an
     * absent or expired one becomes ours. The caller's random token tells which happened, and the row's
     * state and fingerprint tell a duplicate from a mismatch: no read-then-write race. What is left of a
     * live lease is computed here, on the same clock that set it.
     */
    claim: `INSERT INTO ${s}.idempotency_keys AS k
        (tenant, key, request_fingerprint, state, claim_token, expires_at, ttl_ms, response)
      VALUES ($1, $2, $3, 'in_progress', $4, ${at} + $6::bigint * interval '1 millisecond', $7, NULL)
      ON CONFLICT (tenant, key) DO UPDATE SET
        ${take('request_fingerprint')}, ${take('state')}, ${take('expires_at')},
        ${take('ttl_ms')}, ${take('response')}, ${take('claim_token')}
      RETURNING claim_token = $4 AS claimed, request_fingerprint, state, response, expires_at,
        greatest(0, ceil(extract(epoch FROM expires_at - ${at}) * 1000))::float8 AS expires_in_ms`,

    /** $1 tenant, $2 key, $3 token, $4 lease in ms, $5 the caller's clock or NULL. */
    renew: `UPDATE ${s}.idempotency_keys
      SET expires_at = ${at} + $4::bigint * interval '1 millisecond'
      WHERE ${held}
      RETURNING 1 AS done`,

    /** $1 tenant, $2 key, $3 token, $4 response, $5 the caller's clock or NULL. */
    complete: `UPDATE ${s}.idempotency_keys
      SET state = 'completed', response = $4::jsonb,
          expires_at = ${at} + ttl_ms * interval '1 millisecond'
      WHERE ${held}
      RETURNING 1 AS done`,

    /** $1 tenant, $2 key, $3 token. */
    release: `DELETE FROM ${s}.idempotency_keys WHERE ${held} RETURNING 1 AS done`,
  }
}
