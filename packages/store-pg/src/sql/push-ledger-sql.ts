import { NOW } from './now.ts'

/**
 * Statements over the push ledger, for one schema (`s` is its quoted name). $1..$3 = tenant, target,
 * entity. Every record id coming in is given the column's "C" collation, and rows are found by
 * `record_id = ANY(<ids>)` rather than by a join: the key index then serves the lookup whatever the planner
 * believes about the table (PGlite never gathers statistics, and a fresh table has none either; a join
 * planned on those estimates scanned the whole entity once per record).
 */
export function pushLedgerSql(s: string) {
  const t = `${s}.push_ledger`
  const scope = 'p.tenant = $1 AND p.target = $2 AND p.entity = $3'
  const columns = `p.entity, p.record_id, p.status, p.fingerprint, p.pushed_fingerprint, p.target_id, p.attempts,
    p.last_error, p.next_attempt_at, p.claimed_by, p.lease_until, p.pushed_by, p.pushed_at, p.updated_at`
  return {
    /** $4 record ids, $5 fingerprints (deduplicated by the caller), $6 the caller's clock or NULL. */
    track: `WITH input AS (
        SELECT u.record_id COLLATE "C" AS record_id, u.fingerprint
        FROM unnest($4::text[], $5::text[]) AS u(record_id, fingerprint)
      ), prev AS (
        SELECT p.record_id, p.fingerprint FROM ${t} p WHERE ${scope} AND p.record_id = ANY($4::text[] COLLATE "C")
      ), up AS (
        INSERT INTO ${t} AS p (tenant, target, entity, record_id, status, fingerprint, attempts, updated_at)
        SELECT $1, $2, $3, record_id, 'pending', fingerprint, 0, coalesce($6::timestamptz, ${NOW}) FROM input
        ON CONFLICT (tenant, target, entity, record_id) DO UPDATE SET
          fingerprint = excluded.fingerprint,
          status = CASE WHEN p.status = 'in_progress' THEN p.status
                        WHEN p.pushed_fingerprint = excluded.fingerprint THEN 'synced' ELSE 'pending' END,
          attempts = CASE WHEN p.status = 'in_progress' THEN p.attempts ELSE 0 END,
          next_attempt_at = CASE WHEN p.status = 'in_progress' THEN p.next_attempt_at ELSE NULL END,
          updated_at = excluded.updated_at
        WHERE p.fingerprint <> excluded.fingerprint
        RETURNING p.record_id
      )
      SELECT i.record_id, prev.record_id IS NULL AS added, prev.fingerprint IS DISTINCT FROM i.fingerprint AS changed,
        (SELECT count(*) FROM up) AS written
      FROM input i LEFT JOIN prev ON prev.record_id = i.record_id`,

    /**
     * $4 worker, $5 limit, $6 lease ms, $7 ids or NULL, $8 clock or NULL. SKIP LOCKED: concurrent claimers
     * take disjoint rows without waiting; a row another claimer just committed is re-checked against the
     * due rule (READ COMMITTED re-evaluates it), so it is not claimed twice.
     */
    claim: `WITH due AS (
        SELECT p.record_id FROM ${t} p
        WHERE ${scope} AND p.status <> 'synced'
          AND ($7::text[] IS NULL OR p.record_id = ANY($7::text[] COLLATE "C"))
          AND (p.status = 'pending'
            OR (p.status = 'failed' AND p.next_attempt_at <= coalesce($8::timestamptz, ${NOW}))
            OR (p.status = 'in_progress' AND (p.claimed_by = $4 OR p.lease_until <= coalesce($8::timestamptz, ${NOW}))))
        ORDER BY p.record_id
        LIMIT $5
        FOR UPDATE SKIP LOCKED
      )
      UPDATE ${t} p SET status = 'in_progress', claimed_by = $4,
        lease_until = coalesce($8::timestamptz, ${NOW}) + $6::bigint * interval '1 millisecond',
        updated_at = coalesce($8::timestamptz, ${NOW})
      WHERE ${scope} AND p.record_id = ANY(ARRAY(SELECT due.record_id FROM due))
      RETURNING ${columns}`,

    /** $4 worker, $5.. outcome columns, $12 clock or NULL. Only rows the worker still holds change. */
    complete: `WITH o AS (
        SELECT u.record_id COLLATE "C" AS record_id, u.result, u.fingerprint, u.target_id, u.error, u.retry_at, u.pushed_by
        FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::text[])
          AS u(record_id, result, fingerprint, target_id, error, retry_at, pushed_by)
      )
      UPDATE ${t} p SET
        status = CASE WHEN p.fingerprint <> o.fingerprint THEN 'pending'
                      WHEN o.result = 'synced' THEN 'synced' ELSE 'failed' END,
        pushed_fingerprint = CASE WHEN o.result = 'synced' THEN o.fingerprint ELSE p.pushed_fingerprint END,
        target_id = coalesce(o.target_id, p.target_id),
        pushed_by = CASE WHEN o.result = 'synced' THEN coalesce(o.pushed_by, $4) ELSE p.pushed_by END,
        pushed_at = CASE WHEN o.result = 'synced' THEN coalesce($12::timestamptz, ${NOW}) ELSE p.pushed_at END,
        attempts = CASE WHEN o.result = 'failed' AND p.fingerprint = o.fingerprint THEN p.attempts + 1 ELSE 0 END,
        last_error = CASE WHEN o.result = 'failed' THEN o.error ELSE p.last_error END,
        next_attempt_at = CASE WHEN o.result = 'failed' AND p.fingerprint = o.fingerprint THEN o.retry_at END,
        claimed_by = NULL, lease_until = NULL, updated_at = coalesce($12::timestamptz, ${NOW})
      FROM o
      WHERE ${scope} AND p.record_id = ANY($5::text[] COLLATE "C") AND p.record_id = o.record_id
        AND p.status = 'in_progress' AND p.claimed_by = $4
      RETURNING p.record_id`,

    /** $4 worker, $5 ids. */
    release: `UPDATE ${t} p SET
        status = CASE WHEN p.pushed_fingerprint = p.fingerprint THEN 'synced' ELSE 'pending' END,
        claimed_by = NULL, lease_until = NULL, updated_at = ${NOW}
      WHERE ${scope} AND p.record_id = ANY($5::text[] COLLATE "C") AND p.status = 'in_progress' AND p.claimed_by = $4`,

    /** $4 ids. */
    read: `SELECT ${columns} FROM ${t} p WHERE ${scope} AND p.record_id = ANY($4::text[] COLLATE "C")`,

    /** $4 status or NULL, $5 after or NULL, $6 limit, $7 dead letters only. */
    list: `SELECT ${columns} FROM ${t} p
      WHERE ${scope} AND ($4::text IS NULL OR p.status = $4) AND ($5::text IS NULL OR p.record_id > $5 COLLATE "C")
        AND (NOT $7::boolean OR (p.status = 'failed' AND p.next_attempt_at IS NULL))
      ORDER BY p.record_id LIMIT $6`,

    /** $1 tenant, $2 target, $3 entities or NULL. */
    counts: `SELECT p.entity, p.status, count(*)::int AS n FROM ${t} p
      WHERE p.tenant = $1 AND p.target = $2 AND ($3::text[] IS NULL OR p.entity = ANY($3::text[]))
      GROUP BY p.entity, p.status`,

    /** $4 ids or NULL. */
    retry: `UPDATE ${t} p SET status = 'pending', attempts = 0, next_attempt_at = NULL, updated_at = ${NOW}
      WHERE ${scope} AND p.status = 'failed' AND ($4::text[] IS NULL OR p.record_id = ANY($4::text[] COLLATE "C"))`,
  }
}
