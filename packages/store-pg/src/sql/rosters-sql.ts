/**
 * `normaliseEmail` of core, in SQL: surrounding ASCII whitespace trimmed, ASCII letters lower-cased (not
 * `lower()`, which follows the database's locale).
 */
export const normalisedEmail = (field: string) =>
  `translate(btrim(data->>'${field}', E' \\t\\n\\013\\f\\r'), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`

/** Statements of the class-roster and student e-mail lookups, for one schema (`s` is its quoted name). */
export function rostersSql(s: string) {
  const byEmail = (field: string) => `SELECT ${normalisedEmail(field)} AS email, id AS student_id
      FROM ${s}.records
      WHERE tenant = $1 AND entity = 'student' AND deleted_at IS NULL
        AND ${normalisedEmail(field)} = ANY($2::text[])`
  return {
    /**
     * A class's live enrollments after `$3` (null: from the start), at most `$4`, in code-unit id order.
     * Reads the tenant's live enrollments, unindexed on purpose (see migration 0011's comment).
     */
    classEnrollments: `SELECT id, fingerprint, data, updated_at FROM ${s}.records
      WHERE tenant = $1 AND entity = 'enrollment' AND deleted_at IS NULL AND (data->>'classId') = $2
        AND ($3::text IS NULL OR id COLLATE "C" > $3::text COLLATE "C")
      ORDER BY id COLLATE "C"
      LIMIT $4`,

    /**
     * Live students whose `email` or `academicEmail`, normalised, is one of `$2` (normalised already):
     * one row per (address, student) however many of its fields match. Reads the tenant's live students
     * (the primary key's (tenant, entity) prefix), unindexed on purpose (see migration 0011's comment).
     */
    studentsByEmail: `SELECT email, student_id FROM (
        ${byEmail('email')}
        UNION
        ${byEmail('academicEmail')}
      ) m
      ORDER BY email COLLATE "C", student_id COLLATE "C"`,
  }
}
