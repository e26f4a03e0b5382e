import type { InboundEvent } from '@edusync/core'
import { NOW } from './now.ts'
import { prepared } from './prepared.ts'

/** Statements over the inbound-event inbox, for one schema (`s` is its quoted name). */
export function eventsSql(s: string) {
  return prepared(
    {
      /**
       * Appends a batch given as one JSON array (`$2`) of `{source, eventId, type, payload}`: one statement,
       * so the batch is atomic and costs one round trip whatever its size. Rows are inserted in array order
       * (so `seq` keeps the sender's order); a (source, eventId) already present, or repeated within the
       * batch, is skipped. Each inserted event is queued in `inbound_pending` by the same statement. Returns
       * the ids actually inserted.
       */
      append: `WITH inserted AS (
        INSERT INTO ${s}.inbound_events AS e (tenant, source, event_id, type, payload, received_at)
        SELECT $1, x.value->>'source', x.value->>'eventId', x.value->>'type',
          coalesce(x.value->'payload', 'null'::json), ${NOW}
        FROM json_array_elements($2::json) WITH ORDINALITY AS x(value, n)
        ORDER BY x.n
        ON CONFLICT (tenant, source, event_id) DO NOTHING
        RETURNING e.source, e.event_id, e.type, e.received_at, e.seq
      ), queued AS (
        INSERT INTO ${s}.inbound_pending (tenant, source, event_id, type, received_at, seq)
        SELECT $1, source, event_id, type, received_at, seq FROM inserted
      )
      SELECT source, event_id FROM inserted`,

      /**
       * Lists events oldest first with only the filters given (`$1` tenant, `$2` limit, then the source's and
       * the type's values): one text per filter combination rather than `($n IS NULL OR col = $n)`, so each
       * is planned for its own index. The page is chosen on keys only and the payloads fetched for it
       * afterwards (sorting keys stays in memory where sorting payloads spilled to disk). Pending events are
       * paged from the narrow `inbound_pending` queue, in its (tenant, source, received_at, seq) order, so a
       * drain reads its next page without touching handled events.
       */
      list(filters: {
        source: boolean
        type: boolean
        handled: boolean | undefined
        after: boolean
      }): string {
        const where = ['tenant = $1']
        let n = 2
        if (filters.source) where.push(`source = $${++n}`)
        if (filters.type) where.push(`type = $${++n}`)
        // After a position (its received_at and seq, read by `position`): a row comparison the
        // (tenant, source, received_at, seq) order serves as an index range.
        if (filters.after) where.push(`(received_at, seq) > ($${++n}::timestamptz, $${++n}::bigint)`)
        const page = (from: string, extra: string[] = []) => `WITH page AS (
          SELECT source AS p_source, received_at AS p_received_at, seq AS p_seq
          FROM ${from} WHERE ${[...where, ...extra].join(' AND ')}
          ORDER BY received_at, seq LIMIT $2
        )`
        // Each page row fetches its event by `seq` (its own unique index, migration 0017; a probe of the
        // three-text-column primary key cost more than twice as much): a LATERAL subquery, kept from being
        // flattened by its LIMIT. A plain join let the planner hash the whole inbox (a sequential scan of
        // every payload, handled ones included, growing with the inbox) to find one page.
        const join = `CROSS JOIN LATERAL (
          SELECT ev.source, ev.event_id, ev.type, ev.payload, ev.received_at FROM ${s}.inbound_events ev
          WHERE ev.seq = page.p_seq AND ev.tenant = $1
          LIMIT 1
        ) e`
        const order = 'ORDER BY page.p_received_at, page.p_seq'
        if (filters.handled === false) {
          return `${page(`${s}.inbound_pending`)}
        SELECT e.source, e.event_id, e.type, e.payload, ${ms('e.received_at')} AS received_ms,
          NULL::float8 AS handled_ms
        FROM page ${join} ${order}`
        }
        // Handled is "no longer queued": the append queues every event and only a marking takes it off.
        const handled =
          filters.handled === true
            ? [
                `NOT EXISTS (SELECT 1 FROM ${s}.inbound_pending q
                WHERE q.tenant = $1 AND q.source = i.source AND q.event_id = i.event_id)`,
              ]
            : []
        // The handled time is the marking round's whose seqs contain the event's (none for a pending one).
        return `${page(`${s}.inbound_events i`, handled)}
        SELECT e.source, e.event_id, e.type, e.payload, ${ms('e.received_at')} AS received_ms,
          ${ms('h.handled_at')} AS handled_ms
        FROM page ${join}
        LEFT JOIN LATERAL (
          SELECT r.handled_at FROM ${s}.inbound_handled_rounds r
          WHERE r.seqs @> page.p_seq AND r.tenant = $1 AND r.source = page.p_source
          LIMIT 1
        ) h ON true
        ${order}`
      },

      /** Where an event stands in its source's inbox order (`listEvents`' `afterEventId`). */
      position: `SELECT received_at, seq FROM ${s}.inbound_events WHERE tenant = $1 AND source = $2 AND event_id = $3`,

      /**
       * Marks events handled, in one statement: their queue rows are deleted and one round row records
       * when, with the deleted events' seqs as a multirange (migration 0017: a row per event cost as much
       * as the drain's record writes). An event no longer queued (already handled, or unknown) is left as it
       * is, so a handled event keeps its first time; two concurrent marks of one event serialise on its queue
       * row and only one counts it. A marking that took nothing off the queue records no round. Returns how
       * many changed.
       */
      markHandled: `WITH done AS (
        DELETE FROM ${s}.inbound_pending
        WHERE tenant = $1 AND source = $2 AND event_id = ANY($3::text[])
        RETURNING seq
      ), recorded AS (
        INSERT INTO ${s}.inbound_handled_rounds (tenant, source, handled_at, seqs)
        SELECT $1, $2, ${NOW}, range_agg(int8range(seq, seq, '[]')) FROM done
        HAVING count(*) > 0
      )
      SELECT count(*)::int AS n FROM done`,
    },
    // markHandled filters on `event_id = ANY($3)`: `prepared` leaves it unnamed (see there why).
  )
}

// Times leave as epoch milliseconds (they are stored truncated to milliseconds, so nothing is lost): the
// drivers' timestamptz text parser cost more per listed event than building the Date from a number.
const ms = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`

/** An inbox row as the drivers return it. */
export interface EventRow {
  source: string
  event_id: string
  type: string
  payload: unknown
  received_ms: number
  handled_ms: number | null
}

/** Maps an inbox row to the port's shape. */
export function toInboundEvent(row: EventRow): InboundEvent {
  return {
    source: row.source,
    eventId: row.event_id,
    type: row.type,
    payload: row.payload,
    receivedAt: new Date(row.received_ms),
    handledAt: row.handled_ms === null ? null : new Date(row.handled_ms),
  }
}
