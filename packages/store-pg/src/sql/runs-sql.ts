import type { SyncRun, SyncRunStatus } from '@edusync/core'
import { NOW } from './now.ts'

const COLUMNS = `id, step, status, created_at, started_at, finished_at, error, metadata,
  count_total::float8 AS total, count_new::float8 AS "new", count_unchanged::float8 AS unchanged,
  count_updated::float8 AS updated, count_invalid::float8 AS invalid, count_deferred::float8 AS deferred,
  count_error::float8 AS error_count, count_deleted::float8 AS deleted, count_restored::float8 AS restored`

/** Statements over sync runs, for one schema (`s` is its quoted name). */
export function runsSql(s: string) {
  const status = 'coalesce($3::text, status)'
  return {
    create: `INSERT INTO ${s}.sync_runs (tenant, id, step, status, created_at, metadata)
      VALUES ($1, $2, $3, 'pending', ${NOW}, $4::jsonb)
      RETURNING ${COLUMNS}`,

    /** Counts are added in SQL (`count = count + n`), so concurrent updates never lose an increment. */
    update: `UPDATE ${s}.sync_runs SET
        status = ${status},
        started_at = CASE WHEN ${status} = 'running' AND started_at IS NULL THEN ${NOW} ELSE started_at END,
        finished_at = CASE WHEN ${status} IN ('completed', 'failed') AND finished_at IS NULL
          THEN ${NOW} ELSE finished_at END,
        count_total = count_total + $4, count_new = count_new + $5,
        count_unchanged = count_unchanged + $6, count_updated = count_updated + $7,
        count_invalid = count_invalid + $8, count_deferred = count_deferred + $9,
        count_error = count_error + $10, count_deleted = count_deleted + $11,
        count_restored = count_restored + $12,
        error = CASE WHEN $13::boolean THEN $14::text ELSE error END,
        metadata = metadata || coalesce($15::jsonb, '{}'::jsonb)
      WHERE tenant = $1 AND id = $2
      RETURNING ${COLUMNS}`,

    get: `SELECT ${COLUMNS} FROM ${s}.sync_runs WHERE tenant = $1 AND id = $2`,

    list: `SELECT ${COLUMNS} FROM ${s}.sync_runs
      WHERE tenant = $1 AND ($2::text IS NULL OR step = $2) AND ($3::text IS NULL OR status = $3)
      ORDER BY created_at DESC, seq DESC
      LIMIT $4`,
  }
}

/** A run row as the drivers return it. */
export interface RunRow {
  id: string
  step: string
  status: SyncRunStatus
  created_at: Date
  started_at: Date | null
  finished_at: Date | null
  error: string | null
  metadata: Record<string, unknown>
  total: number
  new: number
  unchanged: number
  updated: number
  invalid: number
  deferred: number
  error_count: number
  deleted: number
  restored: number
}

/** Maps a run row to the port's shape. */
export function toSyncRun(row: RunRow): SyncRun {
  return {
    id: row.id,
    step: row.step,
    status: row.status,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    counts: {
      total: row.total,
      new: row.new,
      unchanged: row.unchanged,
      updated: row.updated,
      invalid: row.invalid,
      deferred: row.deferred,
      error: row.error_count,
      deleted: row.deleted,
      restored: row.restored,
    },
    error: row.error,
    metadata: row.metadata,
  }
}
