import type { Applicant, Registration, Store, Student, TenantId } from '@edusync/core'
import { applicant, registration, StoreError, student } from '@edusync/core'
import type { CustomerSubject } from '../map/customer.ts'
import { subjectFromApplicant, subjectFromStudent } from '../map/customer.ts'

/** Options of {@link storeSubjects}. */
export interface StoreSubjectsOptions {
  /** Which subjects to read. @default both */
  readonly kinds?: ReadonlySet<'applicant' | 'student'>
  /** Records read per Store call. @default 500 */
  readonly pageSize?: number
  /**
   * Called for a stored record that does not read as its canonical entity (it is left out, the others
   * go on): which record, and the first problem found.
   */
  readonly onUnreadable?: (kind: 'applicant' | 'student', id: string, problem: string) => void
}

/**
 * The tenant's applicants and students as customer subjects, read from the Store a page at a time (ids in
 * order, then the records and, for students, their registrations: three Store calls per page whatever its
 * size). A student's registration context is its latest registration (by `registrationDate`), so the
 * RegNo, intake, program and mode come from it, as seed 002 asks. A Store failure ends the iteration by
 * throwing the `StoreError` (the customer operations turn it into a `Store` error).
 *
 * @example
 * ```ts
 * await syncCustomers(storeSubjects(store, 'acme'), { client, ledger: store.pushLedger, store })
 * ```
 */
export async function* storeSubjects(
  store: Store,
  tenant: TenantId,
  options: StoreSubjectsOptions = {},
): AsyncGenerator<CustomerSubject> {
  const kinds = options.kinds ?? new Set(['applicant', 'student'] as const)
  const pageSize = options.pageSize ?? 500
  if (kinds.has('applicant')) {
    for await (const records of pages(store, tenant, 'applicant', pageSize)) {
      for (const [id, data] of records) {
        const parsed = applicant.schema.safeParse(data)
        if (parsed.success) yield subjectFromApplicant(parsed.data as Applicant)
        else options.onUnreadable?.('applicant', id, firstIssue(parsed.error))
      }
    }
  }
  if (kinds.has('student')) {
    for await (const records of pages(store, tenant, 'student', pageSize)) {
      const latest = await latestRegistrations(store, tenant, [...records.keys()])
      for (const [id, data] of records) {
        const parsed = student.schema.safeParse(data)
        if (parsed.success) {
          yield subjectFromStudent(parsed.data as Student, { registration: latest.get(id) ?? null })
        } else options.onUnreadable?.('student', id, firstIssue(parsed.error))
      }
    }
  }
}

/** Live records of an entity, a page at a time, in id order: `id -> data`. */
async function* pages(
  store: Store,
  tenant: TenantId,
  entity: 'applicant' | 'student',
  pageSize: number,
): AsyncGenerator<ReadonlyMap<string, unknown>> {
  let afterId: string | undefined
  for (;;) {
    const ids = unwrap(
      await store.listRecordIds(tenant, entity, { limit: pageSize, ...(afterId ? { afterId } : {}) }),
    )
    if (ids.length === 0) return
    const records = unwrap(await store.readRecords(tenant, entity, ids))
    // Keep id order; a record deleted between the two calls is simply absent.
    const page = new Map<string, unknown>()
    for (const id of ids) {
      const record = records.get(id)
      if (record) page.set(id, record.data)
    }
    yield page
    if (ids.length < pageSize) return
    afterId = ids.at(-1)
  }
}

/** Each student's latest registration (by registration date, then id), in two Store calls. */
async function latestRegistrations(
  store: Store,
  tenant: TenantId,
  studentIds: readonly string[],
): Promise<ReadonlyMap<string, Registration>> {
  const latest = new Map<string, Registration>()
  if (studentIds.length === 0) return latest
  const refs = unwrap(
    await store.findReferencing(tenant, [{ entity: 'registration', field: 'studentId', ids: studentIds }]),
  )
  if (refs.length === 0) return latest
  const records = unwrap(
    await store.readRecords(
      tenant,
      'registration',
      refs.map((r) => r.id),
    ),
  )
  for (const record of records.values()) {
    const parsed = registration.schema.safeParse(record.data)
    if (!parsed.success) continue
    const r = parsed.data as Registration
    const held = latest.get(r.studentId)
    const newer =
      !held ||
      r.registrationDate > held.registrationDate ||
      (r.registrationDate === held.registrationDate && r.id > held.id)
    if (newer) latest.set(r.studentId, r)
  }
  return latest
}

function unwrap<T>(result: { isOk(): boolean; value?: T; error?: StoreError }): T {
  if (result.isOk()) return result.value as T
  throw result.error instanceof StoreError ? result.error : new Error(String(result.error))
}

function firstIssue(error: { issues: readonly { path: PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0]
  return issue ? `${issue.path.join('.') || '(record)'}: ${issue.message}` : 'unreadable'
}
