import { NOW } from './now.ts'
import { prepared } from './prepared.ts'

/** Statements over idempotency keys, for one schema (`s` is its quoted name). */
export function idempotencySql(s: string) {
  // $5 is the caller's clock (or NULL for the server's).
  const at = `coalesce($5::timestamptz, ${NOW})`
  const expired = `k.expires_at <= ${at}`
  const take = (column: string) =>
    `${column} = CASE WHEN ${expired} THEN excluded.${column} ELSE k.${column} END`
  // The fencing check of every later step: the key is still in progress under the holder's token.
  const held = `tenant = $1 AND key = $2 AND state = 'in_progress' AND claim_token = $3`
  return prepared({
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

    /**
     * The claim of a group of distinct keys, in one atomic statement: {@link claim} for every row of
     * `unnest($2 keys, $3 fingerprints, $4 tokens, $6 leases, $7 ttls)`, on one clock ($5). Rows are taken
     * in key order, so two groups over overlapping keys lock them in the same order (no deadlock). The
     * caller tells its claims by the token each row returns.
     *
     * Its commit does not wait for the WAL flush (`synchronous_commit` off for this transaction only):
     * a claim needs no durability of its own. It is visible to every other caller at once, as any commit
     * is; only a crash of the server can lose it, and WAL is flushed in order, so whatever the delivery
     * writes durably afterwards (its records, its completion) flushes the claim first. A claim lost in a
     * crash belongs to a delivery that wrote nothing durable yet and fails with the server: its sender
     * retries and claims the key again. One flush fewer per group is one disk wait fewer per webhook.
     */
    claimGroup: `INSERT INTO ${s}.idempotency_keys AS k
        (tenant, key, request_fingerprint, state, claim_token, expires_at, ttl_ms, response)
      SELECT $1, r.key, r.fingerprint, 'in_progress', r.token,
        ${at} + r.lease_ms * interval '1 millisecond', r.ttl_ms, NULL
      FROM unnest($2::text[], $3::text[], $4::text[], $6::bigint[], $7::bigint[])
        AS r(key, fingerprint, token, lease_ms, ttl_ms)
        CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true)) AS relaxed
      ORDER BY r.key
      ON CONFLICT (tenant, key) DO UPDATE SET
        ${take('request_fingerprint')}, ${take('state')}, ${take('expires_at')},
        ${take('ttl_ms')}, ${take('response')}, ${take('claim_token')}
      RETURNING k.key, k.claim_token, k.request_fingerprint, k.state, k.response, k.expires_at,
        greatest(0, ceil(extract(epoch FROM k.expires_at - ${at}) * 1000))::float8 AS expires_in_ms`,

    /**
     * The completion of a group of held claims, in one statement: {@link complete} for every key of $2
     * presented with the token of $3 and the response at the same place in the JSON array $4, on one clock
     * ($5, or NULL for the server's), through the schema's `complete_idempotency_keys` (migration 0016:
     * one index probe per key, in key order). Returns the keys completed; the others are lost.
     */
    completeGroup: `SELECT k AS key FROM ${s}.complete_idempotency_keys(
        $1, $2::text[], $3::text[], $4::jsonb, coalesce($5::timestamptz, ${NOW})) AS k`,

    /** $1 tenant, $2 key, $3 token. */
    release: `DELETE FROM ${s}.idempotency_keys WHERE ${held} RETURNING 1 AS done`,
  })
}
