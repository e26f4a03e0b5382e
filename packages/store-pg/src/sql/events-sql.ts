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

    /**
     * Lists events oldest first with only the filters given (`$1` tenant, `$2` limit, then the source's and
     * the type's values). One text per filter combination rather than `($n IS NULL OR col = $n)`, and the
     * handled state as a literal `IS TRUE`/`IS FALSE` test: the planner folds `(handled_at IS NOT NULL) =
     * false` into `handled_at IS NULL`, which no longer matches the (tenant, source, handled, received_at,
     * seq) index, so a handler draining its source's pending events sorted the whole inbox on every call
     * (quadratic in the inbox's size). `IS FALSE` is kept as written and matched to the index, whose order
     * then serves the LIMIT directly.
     */
    list(filters: { source: boolean; type: boolean; handled: boolean | undefined }): string {
      const where = ['tenant = $1']
      let n = 2
      if (filters.source) where.push(`source = $${++n}`)
      if (filters.type) where.push(`type = $${++n}`)
      if (filters.handled !== undefined)
        where.push(`(handled_at IS NOT NULL) IS ${filters.handled ? 'TRUE' : 'FALSE'}`)
      // The page is chosen on keys only and the payloads fetched for it afterwards: without fresh
      // statistics the planner may still sort every matching row, and sorting keys stays in memory where
      // sorting payloads spilled to disk.
      return `WITH page AS (
          SELECT source AS p_source, event_id AS p_event_id, received_at AS p_received_at, seq AS p_seq
          FROM ${s}.inbound_events WHERE ${where.join(' AND ')}
          ORDER BY received_at, seq LIMIT $2
        )
        SELECT ${COLUMNS} FROM page
        JOIN ${s}.inbound_events e ON e.tenant = $1 AND e.source = page.p_source AND e.event_id = page.p_event_id
        ORDER BY page.p_received_at, page.p_seq`
    },

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
