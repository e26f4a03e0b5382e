import type { ParkedRecord, RecordRef } from '@edusync/core'
import { prepared } from './prepared.ts'

const COLUMNS = 'p.entity, p.id, p.fingerprint, p.data, p.waiting_for, p.parked_at, p.updated_at'

/** Statements reading and expiring parked records, for one schema (`s` is its quoted name). */
export function parkedSql(s: string) {
  return prepared({
    // Index probes only (see recordsSql): who waits for each id, then each of those parked records.
    waitingFor: `SELECT ${COLUMNS} FROM (
        SELECT DISTINCT w.entity, w.id FROM unnest($3::text[]) AS k(id)
        CROSS JOIN LATERAL (
          SELECT entity, id FROM ${s}.parked_waiting
          WHERE tenant = $1 AND waiting_entity = $2 AND waiting_id = k.id OFFSET 0
        ) w
      ) AS hit
      CROSS JOIN LATERAL (
        SELECT * FROM ${s}.parked WHERE tenant = $1 AND entity = hit.entity AND id = hit.id OFFSET 0
      ) p
      ORDER BY p.parked_at, p.id, p.entity`,

    list: `SELECT ${COLUMNS} FROM ${s}.parked p
      WHERE p.tenant = $1 AND ($2::text IS NULL OR p.entity = $2)
      ORDER BY p.parked_at, p.id, p.entity
      LIMIT $3`,

    purge: `WITH gone AS (
        DELETE FROM ${s}.parked WHERE tenant = $1 AND ($2::text IS NULL OR entity = $2) AND parked_at < $3
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM gone`,

    /** Removes references left by purged records (run after {@link parkedSql} `purge`, same transaction). */
    purgeWaiting: `DELETE FROM ${s}.parked_waiting w
      WHERE w.tenant = $1 AND ($2::text IS NULL OR w.entity = $2) AND NOT EXISTS (
        SELECT 1 FROM ${s}.parked p WHERE p.tenant = $1 AND p.entity = w.entity AND p.id = w.id
      )`,
  })
}

/** A parked row as the drivers return it. */
export interface ParkedRow {
  entity: string
  id: string
  fingerprint: string
  data: Record<string, unknown>
  waiting_for: RecordRef[]
  parked_at: Date
  updated_at: Date
}

/** Maps a parked row to the port's shape. */
export function toParkedRecord(row: ParkedRow): ParkedRecord {
  return {
    entity: row.entity,
    id: row.id,
    fingerprint: row.fingerprint,
    data: row.data,
    waitingFor: row.waiting_for,
    parkedAt: row.parked_at,
    updatedAt: row.updated_at,
  }
}
