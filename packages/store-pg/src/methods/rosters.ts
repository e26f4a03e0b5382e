import type { Store, StoredRecord } from '@edusync/core'
import { CLASS_ENROLLMENTS_PAGE } from '@edusync/core'
import type { rostersSql } from '../sql/rosters-sql.ts'
import type { Op } from './op.ts'

/** @internal The class-roster lookup of the pg Store. */
export function rosterMethods(
  op: Op,
  sql: ReturnType<typeof rostersSql>,
): Pick<Store, 'listClassEnrollments'> {
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
  }
}
