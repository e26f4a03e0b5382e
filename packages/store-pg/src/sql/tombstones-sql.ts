import type { QuarantinedDeletion, QuarantineStatus, Tombstone } from '@edusync/core'
import { NOW } from './now.ts'

const TOMBSTONE = 'entity, id, fingerprint, data, deleted_at, deleted_source, deleted_reason'
const QUARANTINE = 'id, entity, ids, source, reason, guard_reason, planned, status, created_at, resolved_at'

// The deletes of one call travel as one JSON document `[{"e": entity, "i": id, "s": source, "r": reason}]`,
// sorted by (entity, id) so concurrent writers lock rows in one order.
const INPUT = `SELECT x.e, x.i, x.s, x.r FROM json_to_recordset($2::json) AS x(e text, i text, s text, r text)`

/** Statements over tombstones and quarantined deletion waves, for one schema (`s` is its quoted name). */
export function tombstonesSql(s: string) {
  return {
    /** Tombstones live records, keeping their data; returns the ids it changed. */
    tombstoneLive: `WITH input AS MATERIALIZED (${INPUT})
      UPDATE ${s}.records r
        SET deleted_at = ${NOW}, deleted_source = input.s, deleted_reason = input.r, restored_from = NULL
      FROM input
      WHERE r.tenant = $1 AND r.entity = input.e AND r.id = input.i AND r.deleted_at IS NULL
      RETURNING r.entity, r.id`,

    /** Ids with only a parked version become tombstones of the parked data. */
    tombstoneParked: `WITH input AS MATERIALIZED (${INPUT})
      INSERT INTO ${s}.records AS r
        (tenant, entity, id, fingerprint, data, updated_at, deleted_at, deleted_source, deleted_reason)
      SELECT $1, p.entity, p.id, p.fingerprint, p.data, p.updated_at, ${NOW}, input.s, input.r
      FROM input JOIN ${s}.parked p ON p.tenant = $1 AND p.entity = input.e AND p.id = input.i
      ON CONFLICT (tenant, entity, id) DO NOTHING
      RETURNING r.entity, r.id`,

    /** Removes parked versions of deleted ids, so no later replay brings them back. */
    unparkDeleted: `WITH input AS MATERIALIZED (${INPUT}), unwaited AS (
        DELETE FROM ${s}.parked_waiting w USING input
        WHERE w.tenant = $1 AND w.entity = input.e AND w.id = input.i
      )
      DELETE FROM ${s}.parked p USING input WHERE p.tenant = $1 AND p.entity = input.e AND p.id = input.i`,

    /** Which of the requested ids are tombstones now. */
    tombstoned: `WITH input AS MATERIALIZED (${INPUT})
      SELECT r.entity, r.id FROM input
      JOIN ${s}.records r ON r.tenant = $1 AND r.entity = input.e AND r.id = input.i
      WHERE r.deleted_at IS NOT NULL`,

    read: `SELECT t.* FROM unnest($3::text[]) AS k(id)
      CROSS JOIN LATERAL (
        SELECT ${TOMBSTONE} FROM ${s}.records
        WHERE tenant = $1 AND entity = $2 AND id = k.id AND deleted_at IS NOT NULL OFFSET 0
      ) t`,

    list: `SELECT ${TOMBSTONE} FROM ${s}.records
      WHERE tenant = $1 AND deleted_at IS NOT NULL
        AND ($2::text IS NULL OR entity = $2) AND ($3::timestamptz IS NULL OR deleted_at >= $3)
      ORDER BY deleted_at, entity COLLATE "C", id COLLATE "C"
      LIMIT $4`,

    // Code-unit order ("C"), the same in every database whatever its collation, so pages never skip.
    listIds: `SELECT id FROM ${s}.records
      WHERE tenant = $1 AND entity = $2 AND deleted_at IS NULL
        AND ($3::text IS NULL OR id COLLATE "C" > $3::text COLLATE "C")
      ORDER BY id COLLATE "C"
      LIMIT $4`,

    /**
     * Live children whose `field` holds one of the ids, one part per (entity, field) glued with UNION ALL:
     * one round trip. Data is json without an index on its fields, so each part reads the tenant's
     * records of that entity once (deletes are rare; see the README).
     */
    referencing(parts: number): string {
      const out: string[] = []
      for (let i = 0; i < parts; i++) {
        const [e, f, ids] = [`$${2 + 3 * i}`, `$${3 + 3 * i}`, `$${4 + 3 * i}`]
        out.push(`SELECT ${e}::text AS entity, id, ${f}::text AS field, data->>${f}::text AS "references"
          FROM ${s}.records
          WHERE tenant = $1 AND entity = ${e}::text AND deleted_at IS NULL
            AND data->>${f}::text = ANY(${ids}::text[])`)
      }
      return out.join('\nUNION ALL\n')
    },

    quarantine: `INSERT INTO ${s}.deletion_quarantine
        (tenant, id, entity, ids, source, reason, guard_reason, planned, status, created_at)
      VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8::jsonb, 'pending', ${NOW})
      RETURNING ${QUARANTINE}`,

    listQuarantine: `SELECT ${QUARANTINE} FROM ${s}.deletion_quarantine
      WHERE tenant = $1 AND ($2::text IS NULL OR status = $2)
      ORDER BY created_at, seq
      LIMIT $3`,

    getQuarantine: `SELECT ${QUARANTINE} FROM ${s}.deletion_quarantine WHERE tenant = $1 AND id = $2`,

    /** Resolves a pending wave; no row back means it is unknown or not pending (someone else won). */
    resolveQuarantine: `UPDATE ${s}.deletion_quarantine SET status = $3, resolved_at = ${NOW}
      WHERE tenant = $1 AND id = $2 AND status = 'pending'
      RETURNING ${QUARANTINE}`,
  }
}

/** A tombstone row as the drivers return it. */
export interface TombstoneRow {
  entity: string
  id: string
  fingerprint: string
  data: Record<string, unknown>
  deleted_at: Date
  deleted_source: string
  deleted_reason: string
}

/** Maps a tombstone row to the port's shape. */
export function toTombstone(row: TombstoneRow): Tombstone {
  return {
    entity: row.entity,
    id: row.id,
    fingerprint: row.fingerprint,
    data: row.data,
    deletedAt: row.deleted_at,
    source: row.deleted_source,
    reason: row.deleted_reason,
  }
}

/** A quarantine row as the drivers return it. */
export interface QuarantineRow {
  id: string
  entity: string
  ids: string[]
  source: string
  reason: string
  guard_reason: string
  planned: QuarantinedDeletion['planned']
  status: QuarantineStatus
  created_at: Date
  resolved_at: Date | null
}

/** Maps a quarantine row to the port's shape. */
export function toQuarantined(row: QuarantineRow): QuarantinedDeletion {
  return {
    id: row.id,
    entity: row.entity,
    ids: row.ids,
    source: row.source,
    reason: row.reason,
    guardReason: row.guard_reason,
    planned: row.planned,
    status: row.status,
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
  }
}
