/**
 * The inbound-event inbox: events received from other systems (e.g. the Moodle plugin), one row per
 * (tenant, source, event id) so a redelivery is a conflict the insert skips. Plain SQL run with
 * `search_path` set to the target schema.
 */
export const sql = /* sql */ `
CREATE TABLE inbound_events (
  tenant      text NOT NULL,
  source      text NOT NULL CHECK (source <> ''),
  event_id    text NOT NULL CHECK (event_id <> ''),
  -- Breaks ties between events received by the same statement, so "oldest first" is total and keeps
  -- the order the sender gave them in.
  seq         bigint GENERATED ALWAYS AS IDENTITY,
  type        text NOT NULL,
  -- json, not jsonb: the body is kept as the text it arrived as (key order included), which is what an
  -- audit of "what did the sender actually say" needs. Nothing queries inside it.
  payload     json NOT NULL,
  received_at timestamptz NOT NULL,
  handled_at  timestamptz,
  PRIMARY KEY (tenant, source, event_id)
);
-- Listing one source's pending (or handled) events oldest first, the handlers' query.
CREATE INDEX inbound_events_source_oldest
  ON inbound_events (tenant, source, (handled_at IS NOT NULL), received_at, seq);
-- Listing a tenant's whole inbox oldest first.
CREATE INDEX inbound_events_oldest ON inbound_events (tenant, received_at, seq);
`
