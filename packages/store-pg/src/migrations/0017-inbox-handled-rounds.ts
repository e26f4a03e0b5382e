/**
 * The inbox records handled events per marking instead of per event (issue 10, the Moodle adapter's drain
 * rate): `inbound_handled_rounds` holds one row per `markEventsHandled` call, its time and the `seq`s of
 * the events it took off the queue, as a multirange (a round of a drain is one or a few ranges, since its
 * events are consecutive in the inbox). `inbound_handled` wrote a row and a primary-key entry per event,
 * which cost PostgreSQL as much as the drain's grade writes themselves.
 *
 * An event is handled exactly when it is no longer queued in `inbound_pending` (the append queues it, a
 * marking is the only way out), so the handled filter reads the queue, and only the handled time comes from
 * here: the round whose multirange contains the event's `seq`. `seq` is one identity over every tenant's
 * events, so an index on the multirange alone finds that round. Existing handled events keep their time:
 * the events handled at one time become one round.
 *
 * `inbound_events` gets an index on `seq` alone: a drain's page, chosen on the queue, fetches its payloads
 * by `seq` (a bigint, appended in increasing order, so the index grows at its right edge) instead of by
 * the (tenant, source, event_id) primary key, whose three-text-column probes made up most of a page's
 * cost (a page of 2,000: 8.2-8.7 ms -> 3.2 ms of execution, measured alone).
 */
export const sql = /* sql */ `
CREATE TABLE inbound_handled_rounds (
  tenant     text NOT NULL,
  source     text NOT NULL,
  handled_at timestamptz NOT NULL,
  seqs       int8multirange NOT NULL CHECK (NOT isempty(seqs))
);
-- An event's handled time: the round containing its seq (GiST: containment of a point).
CREATE INDEX inbound_handled_rounds_seqs ON inbound_handled_rounds USING gist (seqs);

INSERT INTO inbound_handled_rounds (tenant, source, handled_at, seqs)
  SELECT h.tenant, h.source, h.handled_at, range_agg(int8range(e.seq, e.seq, '[]'))
  FROM inbound_handled h
  JOIN inbound_events e ON e.tenant = h.tenant AND e.source = h.source AND e.event_id = h.event_id
  GROUP BY h.tenant, h.source, h.handled_at;

DROP TABLE inbound_handled;

CREATE UNIQUE INDEX inbound_events_seq ON inbound_events (seq);
`
