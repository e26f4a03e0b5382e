/**
 * The outbound push ledger (one row per tenant, target system, entity and record) and the OAuth token
 * store (one token pair per tenant and key, plus the refresh lease). Plain SQL run with `search_path` set
 * to the target schema.
 */
export const sql = /* sql */ `
CREATE TABLE push_ledger (
  tenant            text NOT NULL,
  target            text NOT NULL CHECK (target <> ''),
  entity            text NOT NULL CHECK (entity <> ''),
  -- "C" collation: record ids sort by bytes, the same order the memory ledger uses, for claims and paging.
  record_id         text COLLATE "C" NOT NULL CHECK (record_id <> ''),
  status            text NOT NULL CHECK (status IN ('pending', 'in_progress', 'synced', 'failed')),
  fingerprint       text NOT NULL,
  pushed_fingerprint text,
  target_id         text,
  attempts          integer NOT NULL DEFAULT 0,
  last_error        text,
  next_attempt_at   timestamptz,
  claimed_by        text,
  lease_until       timestamptz,
  pushed_by         text,
  pushed_at         timestamptz,
  updated_at        timestamptz NOT NULL,
  PRIMARY KEY (tenant, target, entity, record_id)
);
-- The claim query's scan: the due entries of one entity, in record-id order. Synced rows (the bulk of a
-- settled ledger) are left out of the index, so a claim over a mostly synced entity stays cheap.
CREATE INDEX push_ledger_due ON push_ledger (tenant, target, entity, record_id) WHERE status <> 'synced';
-- Listing and counting one status.
CREATE INDEX push_ledger_status ON push_ledger (tenant, target, entity, status, record_id);

CREATE TABLE oauth_tokens (
  tenant     text NOT NULL,
  key        text NOT NULL CHECK (key <> ''),
  -- The pair as JSON text. Secrets at rest: encrypt the database (or the column) where policy requires.
  tokens     json NOT NULL,
  version    bigint NOT NULL CHECK (version > 0),
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant, key)
);

-- One refresher per key across processes: a lease row with an expiry, not a held lock, because the
-- refresh is an HTTP call and a crashed holder must not block the key.
CREATE TABLE oauth_refresh_leases (
  tenant      text NOT NULL,
  key         text NOT NULL,
  holder      text NOT NULL,
  lease_until timestamptz NOT NULL,
  PRIMARY KEY (tenant, key)
);
`
