/**
 * Deletes that never lose data (issue 20). A deleted record stays in `records` as a tombstone: the same
 * row, with `deleted_at`, `deleted_source` and `deleted_reason` set and its last data and fingerprint
 * kept. One row per record (rather than a separate tombstone table) is what makes a delete racing an
 * upsert safe: both lock the same row, so they serialise and the second sees the first's result.
 * `restored_from` is the `deleted_at` a write lifted (null otherwise): the upsert's RETURNING only sees
 * new values, and this is how it reports `restored`. Adding nullable columns rewrites nothing.
 *
 * Deletion waves the mass-deletion guard holds back wait in `deletion_quarantine` for approval.
 * Plain SQL run with `search_path` set to the target schema.
 */
export const sql = /* sql */ `
ALTER TABLE records
  ADD COLUMN deleted_at     timestamptz,
  ADD COLUMN deleted_source text,
  ADD COLUMN deleted_reason text,
  ADD COLUMN restored_from  timestamptz;
-- The deletion feed (tombstones oldest first) without scanning live records.
CREATE INDEX records_tombstones ON records (tenant, deleted_at, entity, id) WHERE deleted_at IS NOT NULL;

ALTER TABLE sync_runs
  ADD COLUMN count_deleted  bigint NOT NULL DEFAULT 0,
  ADD COLUMN count_restored bigint NOT NULL DEFAULT 0;

CREATE TABLE deletion_quarantine (
  tenant       text NOT NULL,
  id           text NOT NULL,
  -- Breaks ties between waves held in the same millisecond, so "oldest first" is total.
  seq          bigint GENERATED ALWAYS AS IDENTITY,
  entity       text NOT NULL,
  ids          jsonb NOT NULL,
  source       text NOT NULL,
  reason       text NOT NULL,
  guard_reason text NOT NULL,
  planned      jsonb NOT NULL,
  status       text NOT NULL CHECK (status IN ('pending', 'approved', 'discarded')),
  created_at   timestamptz NOT NULL,
  resolved_at  timestamptz,
  PRIMARY KEY (tenant, id)
);
CREATE INDEX deletion_quarantine_oldest ON deletion_quarantine (tenant, created_at, seq);
`
