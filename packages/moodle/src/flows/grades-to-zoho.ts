import type { Grade, Store, StoreError, TenantId } from '@edusync/core'
import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import { isMoodleDerivedId } from '../map/ids.ts'

/** One item of a CRM upsert's answer, in input order (the shape of `@edusync/zoho`'s write results). */
export interface UpsertItemResult {
  readonly status: 'success' | 'error'
  readonly index: number
  readonly id?: string
  readonly code?: string
  readonly message?: string
}

/**
 * The CRM side, passed in by the host: upserts grades whose `studentId`/`classId` are already the CRM's ids,
 * by `compositeKey`. With Zoho: `(grades) => upsertGrades(zoho, grades)` from `@edusync/zoho`.
 */
export type GradeUpsert<E> = (grades: readonly Grade[]) => ResultAsync<readonly UpsertItemResult[], E>

/** Options of {@link pushGradesToCrm}. */
export interface PushGradesOptions<E> {
  readonly store: Store
  readonly tenant: TenantId
  /** Canonical grade ids (e.g. {@link InboxReport.grades}). */
  readonly gradeIds: readonly string[]
  readonly upsert: GradeUpsert<E>
  /** The link system of the CRM. @default 'zoho' */
  readonly system?: string
}

/** What happened to one grade. */
export type PushedGrade =
  | { readonly id: string; readonly status: 'SENT'; readonly crmId: string }
  /** The student or class has no CRM record yet; push it again once they are linked. */
  | {
      readonly id: string
      readonly status: 'DEFERRED'
      readonly waitingFor: readonly ('student' | 'class')[]
    }
  | { readonly id: string; readonly status: 'FAILED'; readonly code: string; readonly message: string }

/** The result of {@link pushGradesToCrm}, one entry per grade found, in input order. */
export interface PushGradesResult {
  readonly grades: readonly PushedGrade[]
  /** Ids asked for that are not in the Store. */
  readonly missing: readonly string[]
}

/**
 * Writes canonical grades to the CRM (Zoho `BTEC_Grades`, upsert by `Moodle_Grade_Composite_Key` with the
 * learning-outcome subform) through the host's `upsert`. Student and class are resolved to CRM ids through
 * Store links (`zoho` by default); a record that came from the CRM is its own CRM id, while one first seen
 * in Moodle (`moodle-…` id) needs a link. A grade whose student or class has no CRM id waits: it is
 * reported DEFERRED, not sent and not dropped. Two Store reads and one upsert call per batch.
 */
export function pushGradesToCrm<E>(
  options: PushGradesOptions<E>,
): ResultAsync<PushGradesResult, StoreError | E> {
  const { store, tenant } = options
  const system = options.system ?? 'zoho'
  const run = async (): Promise<Result<PushGradesResult, StoreError | E>> => {
    const ids = [...new Set(options.gradeIds)]
    const read = await store.readRecords(tenant, 'grade', ids)
    if (read.isErr()) return err(read.error)
    const grades = ids.flatMap((id) => {
      const r = read.value.get(id)
      return r ? [r.data as unknown as Grade] : []
    })
    const missing = ids.filter((id) => !read.value.has(id))
    const crmIds = async (entity: string, refs: readonly string[]) => {
      const unique = [...new Set(refs)]
      const links = await store.readLinks(tenant, entity, unique)
      return links.map((byId) => {
        const out = new Map<string, string>()
        for (const id of unique) {
          const linked = byId.get(id)?.find((l) => l.system === system)?.externalId
          if (linked !== undefined) out.set(id, linked)
          else if (!isMoodleDerivedId(id)) out.set(id, id)
        }
        return out
      })
    }
    const students = await crmIds(
      'student',
      grades.map((g) => g.studentId),
    )
    if (students.isErr()) return err(students.error)
    const classes = await crmIds(
      'class',
      grades.map((g) => g.classId),
    )
    if (classes.isErr()) return err(classes.error)

    const results = new Map<string, PushedGrade>()
    const sendable: Grade[] = []
    for (const g of grades) {
      const studentId = students.value.get(g.studentId)
      const classId = classes.value.get(g.classId)
      if (studentId === undefined || classId === undefined) {
        const waitingFor: ('student' | 'class')[] = []
        if (studentId === undefined) waitingFor.push('student')
        if (classId === undefined) waitingFor.push('class')
        results.set(g.id, { id: g.id, status: 'DEFERRED', waitingFor })
      } else sendable.push({ ...g, studentId, classId })
    }
    if (sendable.length > 0) {
      const written = await options.upsert(sendable)
      if (written.isErr()) return err(written.error)
      sendable.forEach((g, index) => {
        const item = written.value.find((w) => w.index === index)
        results.set(
          g.id,
          item?.status === 'success' && item.id
            ? { id: g.id, status: 'SENT', crmId: item.id }
            : {
                id: g.id,
                status: 'FAILED',
                code: item?.code ?? 'NO_RESULT',
                message: item?.message ?? 'the CRM returned no result for this grade',
              },
        )
      })
    }
    return ok({ grades: grades.map((g) => results.get(g.id) as PushedGrade), missing })
  }
  return new ResultAsync(run())
}
