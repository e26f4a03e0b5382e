import type { InboundEvent } from '@edusync/core'
import { NOW } from './now.ts'

const COLUMNS = 'source, event_id, type, payload, received_at, handled_at'

/** Statements over the inbound-event inbox, for one schema (`s` is its quoted name). */
export function eventsSql(s: string) {
  return {
    /**
     * Appends a batch given as one JSON array (`$2`) of `{source, eventId, type, payload}`: one statement,
     * so the batch is atomic and costs one round trip whatever its size. Rows are inserted in array order
     * (so `seq` keeps the sender's order); a (source, eventId) already present, or repeated within the
     * batch, is skipped. Returns the ids actually inserted.
     */
    append: `INSERT INTO ${s}.inbound_events AS e (tenant, source, event_id, type, payload, received_at)
      SELECT $1, x.value->>'source', x.value->>'eventId', x.value->>'type',
        coalesce(x.value->'payload', 'null'::json), ${NOW}
      FROM json_array_elements($2::json) WITH ORDINALITY AS x(value, n)
      ORDER BY x.n
      ON CONFLICT (tenant, source, event_id) DO NOTHING
      RETURNING e.source, e.event_id`,

    list: `SELECT ${COLUMNS} FROM ${s}.inbound_events
      WHERE tenant = $1 AND ($2::text IS NULL OR source = $2) AND ($3::text IS NULL OR type = $3)
        AND ($4::boolean IS NULL OR (handled_at IS NOT NULL) = $4)
      ORDER BY received_at, seq
      LIMIT $5`,

    /** Sets `handled_at` only where it is still null, so a handled event keeps its first time. */
    markHandled: `WITH changed AS (
        UPDATE ${s}.inbound_events SET handled_at = ${NOW}
        WHERE tenant = $1 AND source = $2 AND event_id = ANY($3::text[]) AND handled_at IS NULL
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM changed`,
  }
}

/** An inbox row as the drivers return it. */
export interface EventRow {
  source: string
  event_id: string
  type: string
  payload: unknown
  received_at: Date
  handled_at: Date | null
}

/** Maps an inbox row to the port's shape. */
export function toInboundEvent(row: EventRow): InboundEvent {
  return {
    source: row.source,
    eventId: row.event_id,
    type: row.type,
    payload: row.payload,
    receivedAt: row.received_at,
    handledAt: row.handled_at,
  }
}
