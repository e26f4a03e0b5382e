/**
 * The initial schema. Plain SQL run with `search_path` set to the target schema, so table names are
 * unqualified here. Every table is keyed tenant first. Text keys keep the database's default collation:
 * a column collation differing from the parameters' would stop `id = ANY($n::text[])` from using the
 * index (it would scan the tenant's whole entity instead).
 *
 * Record data is `json`, not `jsonb`: the Store only stores and returns documents whole (no SQL looks
 * inside them), and `json` keeps the text as sent, so a write costs one syntax check instead of a
 * conversion to the binary form, and a read returns the stored text without re-encoding it. Measured on
 * ~1 KB registrations: about 1.5-2x the write rate and 20% less disk.
 *
 * Fingerprints are 64 lowercase hex digits. The CHECK says so as a length and an unbounded character
 * class: `~ '^[0-9a-f]{64}$'` states the same rule but its bounded repetition costs ~5 us per row in
 * PostgreSQL's regex engine (10x more), and the CHECK runs on every upserted row, unchanged ones included.
 */
export const sql = /* sql */ `
CREATE TABLE records (
  tenant      text NOT NULL,
  entity      text NOT NULL,
  id          text NOT NULL CHECK (id <> ''),
  fingerprint text NOT NULL CHECK (octet_length(fingerprint) = 64 AND fingerprint ~ '^[0-9a-f]+$'),
  data        json NOT NULL,
  -- The default is what COPY-loaded rows get; the set-based statements pass the same expression.
  updated_at  timestamptz NOT NULL DEFAULT date_trunc('milliseconds', statement_timestamp()),
  PRIMARY KEY (tenant, entity, id)
);

CREATE TABLE parked (
  tenant      text NOT NULL,
  entity      text NOT NULL,
  id          text NOT NULL CHECK (id <> ''),
  fingerprint text NOT NULL CHECK (octet_length(fingerprint) = 64 AND fingerprint ~ '^[0-9a-f]+$'),
  data        json NOT NULL,
  waiting_for jsonb NOT NULL,
  parked_at   timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant, entity, id)
);
CREATE INDEX parked_oldest ON parked (tenant, parked_at, id);
CREATE INDEX parked_entity_oldest ON parked (tenant, entity, parked_at, id);

-- One row per missing reference of a parked record: what lets "who waits for these parents?" be an
-- index lookup instead of a scan of every parked record's JSON. Kept in step with "parked" by the same
-- statements that write it. Deliberately no foreign key: its per-row checks run on plans cached when
-- the table was small, and turned parking 100,000 records into minutes of sequential scans.
CREATE TABLE parked_waiting (
  tenant         text NOT NULL,
  entity         text NOT NULL,
  id             text NOT NULL,
  waiting_entity text NOT NULL,
  waiting_id     text NOT NULL,
  PRIMARY KEY (tenant, entity, id, waiting_entity, waiting_id)
);
CREATE INDEX parked_waiting_for ON parked_waiting (tenant, waiting_entity, waiting_id);

CREATE TABLE links (
  tenant      text NOT NULL,
  entity      text NOT NULL,
  id          text NOT NULL,
  system      text NOT NULL,
  external_id text NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant, entity, id, system),
  UNIQUE (tenant, system, entity, external_id)
);

CREATE TABLE idempotency_keys (
  tenant              text NOT NULL,
  key                 text NOT NULL,
  request_fingerprint text NOT NULL,
  state               text NOT NULL CHECK (state IN ('in_progress', 'completed')),
  claim_token         text NOT NULL,
  expires_at          timestamptz NOT NULL,
  ttl_ms              bigint NOT NULL CHECK (ttl_ms >= 0),
  response            jsonb,
  PRIMARY KEY (tenant, key)
);

CREATE TABLE sync_runs (
  tenant          text NOT NULL,
  id              text NOT NULL,
  -- Breaks ties between runs created in the same millisecond, so "newest first" is total.
  seq             bigint GENERATED ALWAYS AS IDENTITY,
  step            text NOT NULL,
  status          text NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed')),
  created_at      timestamptz NOT NULL,
  started_at      timestamptz,
  finished_at     timestamptz,
  count_total     bigint NOT NULL DEFAULT 0,
  count_new       bigint NOT NULL DEFAULT 0,
  count_unchanged bigint NOT NULL DEFAULT 0,
  count_updated   bigint NOT NULL DEFAULT 0,
  count_invalid   bigint NOT NULL DEFAULT 0,
  count_deferred  bigint NOT NULL DEFAULT 0,
  count_error     bigint NOT NULL DEFAULT 0,
  error           text,
  metadata        jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (tenant, id)
);
CREATE INDEX sync_runs_newest ON sync_runs (tenant, created_at DESC, seq DESC);
CREATE INDEX sync_runs_step_newest ON sync_runs (tenant, step, created_at DESC, seq DESC);
`
