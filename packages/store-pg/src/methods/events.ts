import type { InboundEventWrite, Store } from '@edusync/core'
import { StoreError, unsafeTextInEvent } from '@edusync/core'
import type { EventRow, eventsSql } from '../sql/events-sql.ts'
import { toInboundEvent } from '../sql/events-sql.ts'
import type { Op } from './op.ts'
import { unique } from './op.ts'

type EventMethods = Pick<Store, 'appendEvents' | 'listEvents' | 'markEventsHandled'>

/** @internal The inbound-event inbox methods of the pg Store. */
export function eventMethods(op: Op, sql: ReturnType<typeof eventsSql>): EventMethods {
  return {
    appendEvents(tenant, events) {
      return op('appendEvents', async (x) => {
        // Checked before any SQL, so a bad event writes nothing and the error names it.
        events.forEach(validate)
        if (events.length === 0) return { appended: [], duplicates: [] }
        const body = JSON.stringify(
          events.map((e) => ({ source: e.source, eventId: e.eventId, type: e.type, payload: e.payload })),
        )
        // One statement is one transaction: the batch is inserted whole or not at all.
        const rows = await x.query<{ source: string; event_id: string }>(sql.append, [tenant, body])
        const inserted = new Set(rows.map((r) => key(r.source, r.event_id)))
        const appended: string[] = []
        const duplicates: string[] = []
        for (const event of events) {
          // The first occurrence of a key in the batch is the inserted one; any repeat is a duplicate.
          if (inserted.delete(key(event.source, event.eventId))) appended.push(event.eventId)
          else duplicates.push(event.eventId)
        }
        return { appended, duplicates }
      })
    },

    listEvents(tenant, options = {}) {
      return op('listEvents', async (x) => {
        const filters = {
          source: options.source !== undefined,
          type: options.type !== undefined,
          handled: options.handled,
          after: options.afterEventId !== undefined,
        }
        const values: unknown[] = [tenant, options.limit ?? 100]
        if (filters.source) values.push(options.source)
        if (filters.type) values.push(options.type)
        if (options.afterEventId !== undefined) {
          const [at] =
            options.source === undefined
              ? []
              : await x.query<{ received_at: Date; seq: string }>(sql.position, [
                  tenant,
                  options.source,
                  options.afterEventId,
                ])
          if (at === undefined) {
            throw new StoreError(
              'Invalid',
              `listEvents: afterEventId ${JSON.stringify(options.afterEventId)} is not an event of source ${JSON.stringify(options.source)}`,
            )
          }
          values.push(at.received_at, at.seq)
        }
        const rows = await x.query<EventRow>(sql.list(filters), values)
        return rows.map(toInboundEvent)
      })
    },

    markEventsHandled(tenant, source, eventIds) {
      return op('markEventsHandled', async (x) => {
        if (eventIds.length === 0) return 0
        const [row] = await x.query<{ n: number }>(sql.markHandled, [tenant, source, unique(eventIds)])
        return row?.n ?? 0
      })
    },
  }
}

const key = (source: string, eventId: string) => `${source}\u0000${eventId}`

function validate(event: InboundEventWrite, index: number): void {
  for (const field of ['source', 'eventId', 'type'] as const) {
    const value: unknown = event[field]
    const required = field !== 'type'
    if (typeof value !== 'string' || (required && value === '')) {
      throw new StoreError(
        'Invalid',
        `appendEvents: events[${index}].${field} must be a ${required ? 'non-empty ' : ''}string, received ${JSON.stringify(value) ?? String(value)}`,
      )
    }
  }
  // The `json` payload column would take a NUL or lone-surrogate escape that the memory Store refuses:
  // the shared check keeps every Store's answer the same.
  const unsafe = unsafeTextInEvent(event, index)
  if (unsafe) throw unsafe
}
