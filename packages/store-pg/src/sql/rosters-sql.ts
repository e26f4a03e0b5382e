/** Statements of the class-roster lookup, for one schema (`s` is its quoted name). */
export function rostersSql(s: string) {
  return {
    /**
     * A class's live enrollments after `$3` (null: from the start), at most `$4`, in code-unit id order:
     * read through the partial `records_class_enrollments` index, whose expression and order these
     * predicates repeat exactly.
     */
    classEnrollments: `SELECT id, fingerprint, data, updated_at FROM ${s}.records
      WHERE tenant = $1 AND entity = 'enrollment' AND deleted_at IS NULL AND (data->>'classId') = $2
        AND ($3::text IS NULL OR id COLLATE "C" > $3::text COLLATE "C")
      ORDER BY id COLLATE "C"
      LIMIT $4`,
  }
}
