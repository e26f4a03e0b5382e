/**
 * The completion of a group of idempotency claims in one statement (`completeIdempotencyKeys`): a
 * function that runs the single-key completion once per key, in key order, inside the caller's
 * statement.
 *
 * Why a function and not one set-based UPDATE: an UPDATE joined to a list of keys is planned from the
 * table's statistics, and while they are stale (a table that grew since the last ANALYZE, e.g. the first
 * minute of a busy host) the planner scanned every key of the tenant for each group. Each UPDATE here
 * names one primary key, so it is an index probe whatever the statistics say, planned once per session
 * (PL/pgSQL keeps the plan). Key order makes two groups lock shared rows in the same order (no
 * deadlock), and a row a concurrent heartbeat renewed is re-checked and completed as the single-key
 * UPDATE would be. The function runs with this schema's search path, fixed when it is created.
 */
export const sql = /* sql */ `
CREATE FUNCTION complete_idempotency_keys(
  p_tenant text, p_keys text[], p_tokens text[], p_responses jsonb, p_at timestamptz
) RETURNS SETOF text
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $fn$
DECLARE
  item record;
  done text;
BEGIN
  FOR item IN
    SELECT r.key, r.token, p_responses -> (r.ord - 1)::int AS response
    FROM unnest(p_keys, p_tokens) WITH ORDINALITY AS r(key, token, ord)
    ORDER BY r.key
  LOOP
    UPDATE idempotency_keys AS k
       SET state = 'completed', response = item.response,
           expires_at = p_at + k.ttl_ms * interval '1 millisecond'
     WHERE k.tenant = p_tenant AND k.key = item.key AND k.state = 'in_progress'
       AND k.claim_token = item.token
    RETURNING k.key INTO done;
    IF FOUND THEN
      RETURN NEXT done;
    END IF;
  END LOOP;
END
$fn$;
`
