import type { Store, StoredRecord } from '@edusync/core'
import { CLASS_ENROLLMENTS_PAGE, normaliseEmail } from '@edusync/core'
import type { rostersSql } from '../sql/rosters-sql.ts'
import type { Op } from './op.ts'

/** @internal The class-roster and student e-mail lookups of the pg Store. */
export function rosterMethods(
  op: Op,
  sql: ReturnType<typeof rostersSql>,
): Pick<Store, 'listClassEnrollments' | 'findStudentsByEmail'> {
  return {
    listClassEnrollments(tenant, classId, options = {}) {
      return op('listClassEnrollments', async (x) => {
        const rows = await x.query<{
          id: string
          fingerprint: string
          data: Record<string, unknown>
          updated_at: Date
        }>(sql.classEnrollments, [
          tenant,
          classId,
          options.afterId ?? null,
          options.limit ?? CLASS_ENROLLMENTS_PAGE,
        ])
        return rows.map(
          (r): StoredRecord => ({
            id: r.id,
            fingerprint: r.fingerprint,
            data: r.data,
            updatedAt: r.updated_at,
          }),
        )
      })
    },

    findStudentsByEmail(tenant, emails) {
      return op('findStudentsByEmail', async (x) => {
        const asked = [...new Set(emails.map(normaliseEmail).filter((e) => e !== ''))]
        if (asked.length === 0) return []
        const rows = await x.query<{ email: string; student_id: string }>(sql.studentsByEmail, [
          tenant,
          asked,
        ])
        return rows.map((r) => ({ email: r.email, studentId: r.student_id }))
      })
    },
  }
}
