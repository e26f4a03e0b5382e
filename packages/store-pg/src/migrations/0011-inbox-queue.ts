/**
 * The inbox's handled state moves out of the event rows into two narrow tables, so the drain's hot path
 * never rewrites a payload row (issue 10, the Moodle adapter):
 *
 * - `inbound_pending`: one small row per pending event, in arrival order. Marking an event handled deletes
 *   its row here (a delete only stamps the old tuple: no new tuple, no index insert), where the old
 *   `UPDATE inbound_events SET handled_at` wrote a whole new ~1 KB row and an entry in each of its three
 *   indexes (the handled flag was indexed, so the update could never be HOT).
 * - `inbound_handled`: when each handled event was handled, one small row per event.
 *
 * `inbound_events` keeps what was received and is never updated after its insert. Existing events keep
 * their state: pending ones are queued in their order, handled ones keep their first handled time.
 *
 * Nothing is indexed for the Store's people lookups (`listClassEnrollments`, `findStudentsByEmail`): they
 * read the tenant's enrollments or students through the primary key's (tenant, entity) prefix. Partial
 * indexes for them (on `data->>'classId'` of enrollments, on the students' normalised e-mails) were tried
 * and dropped: the planner took them for the engine's per-id probes of the same entity (same tenant,
 * implied predicate), which then scanned a tenant's whole roster per id: inserting 20,000 enrollments
 * went from 0.16 s to 13 s of PostgreSQL CPU, and grade writes (probing students) ten times dearer.
 */
export const sql = /* sql */ `
CREATE TABLE inbound_pending (
  tenant      text NOT NULL,
  source      text NOT NULL,
  event_id    text NOT NULL,
  -- Copied from the event so a page of pending events is chosen on this table alone (type is a filter).
  type        text NOT NULL,
  received_at timestamptz NOT NULL,
  seq         bigint NOT NULL,
  PRIMARY KEY (tenant, source, event_id)
);
-- One source's pending events oldest first: the drain's listing, read in index order up to its limit.
CREATE INDEX inbound_pending_oldest ON inbound_pending (tenant, source, received_at, seq);

CREATE TABLE inbound_handled (
  tenant     text NOT NULL,
  source     text NOT NULL,
  event_id   text NOT NULL,
  handled_at timestamptz NOT NULL,
  PRIMARY KEY (tenant, source, event_id)
);

INSERT INTO inbound_pending (tenant, source, event_id, type, received_at, seq)
  SELECT tenant, source, event_id, type, received_at, seq FROM inbound_events WHERE handled_at IS NULL;
INSERT INTO inbound_handled (tenant, source, event_id, handled_at)
  SELECT tenant, source, event_id, handled_at FROM inbound_events WHERE handled_at IS NOT NULL;

-- The handled flag's index goes with the column: pending events are listed from inbound_pending now.
DROP INDEX inbound_events_source_oldest;
ALTER TABLE inbound_events DROP COLUMN handled_at;
`
