/**
 * The tenant registry (configuration as data): tenants, their versioned configuration documents
 * (connections with sealed secrets, module switches, field-map overrides, schedules) and the audit log of
 * every change. Every primary key starts with `tenant`. Plain SQL run with `search_path` set.
 */
export const sql = /* sql */ `
CREATE TABLE registry_tenants (
  tenant     text PRIMARY KEY CHECK (tenant ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name       text NOT NULL CHECK (btrim(name) <> ''),
  status     text NOT NULL CHECK (status IN ('active', 'suspended')),
  version    integer NOT NULL CHECK (version > 0),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE TABLE registry_items (
  tenant     text NOT NULL REFERENCES registry_tenants (tenant),
  kind       text NOT NULL CHECK (kind IN ('connection', 'module', 'field-map', 'schedule')),
  key        text NOT NULL CHECK (key <> ''),
  -- jsonb: documents are read whole and compared by value; key order carries no meaning here.
  value      jsonb NOT NULL,
  version    integer NOT NULL CHECK (version > 0),
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant, kind, key)
);
CREATE TABLE registry_audit (
  tenant  text NOT NULL,
  seq     bigint GENERATED ALWAYS AS IDENTITY,
  actor   text NOT NULL,
  at      timestamptz NOT NULL,
  action  text NOT NULL CHECK (action IN ('create', 'update', 'delete')),
  kind    text NOT NULL,
  key     text NOT NULL,
  before  jsonb,
  after   jsonb,
  PRIMARY KEY (tenant, seq)
);
-- Listing one kind's history newest first (the API's audit filter).
CREATE INDEX registry_audit_kind ON registry_audit (tenant, kind, seq);
`
