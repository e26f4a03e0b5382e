/**
 * Two changes, both of issue 10 (the Moodle adapter).
 *
 * 1. The inbox's handled state moves out of the event rows into two narrow tables, so the drain's hot path
 * never rewrites a payload row:
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
 * 2. Indexes for two people lookups of the Moodle flows: one class's enrollments (`listClassEnrollments`,
 * read when a class is activated, instead of the caller passing the student ids in) and students by
 * normalised e-mail (`findStudentsByEmail`, how a Moodle user without a link is matched to a student).
 */
export const sql = /* sql */ `
-- 1. The inbox queue.
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

-- 2. A class's live enrollments (Store.listClassEnrollments), in code-unit id order, without reading the
-- tenant's other records: partial, so writes of every other entity (and tombstones) never touch it.
CREATE INDEX records_class_enrollments
  ON records (tenant, (data->>'classId'), id COLLATE "C")
  WHERE entity = 'enrollment' AND deleted_at IS NULL;

-- Students by normalised e-mail, each field on its own. The expression is rosters-sql.ts's
-- normalisedEmail, written out: an applied migration never changes (a test checks they agree).
CREATE INDEX records_student_email ON records
  (tenant, translate(btrim(data->>'email', E' \\t\\n\\013\\f\\r'), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'))
  WHERE entity = 'student' AND deleted_at IS NULL;
CREATE INDEX records_student_academic_email ON records
  (tenant, translate(btrim(data->>'academicEmail', E' \\t\\n\\013\\f\\r'), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'))
  WHERE entity = 'student' AND deleted_at IS NULL;
`
