import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RecordWrite, Store } from '../store/store.ts'
import { fp, T1, T2 } from './conformance-data.ts'

/** Options of {@link describeClassEnrollmentsConformance}. */
export interface ClassEnrollmentsConformanceOptions {
  /** Creates a fresh, empty Store (called before every test). */
  readonly create: () => Promise<Store>
  /** Cleans up after each test (the suite closes the store first). */
  readonly teardown?: (store: Store) => Promise<void>
}

const enrollment = (id: string, studentId: string, classId: string): RecordWrite => ({
  id,
  fingerprint: fp(`${id}/${studentId}/${classId}`),
  data: { studentId, classId, type: 'normal' },
})

/**
 * The shared conformance suite of the Store's people lookups, which every Store runs unmodified next to
 * `describeStoreConformance`: {@link Store.listClassEnrollments} (the right records of the right class
 * and tenant, tombstones left out, code-unit order and paging that returns every enrollment exactly
 * once) and {@link Store.findStudentsByEmail} (normalised matching on either field, live students only).
 *
 * @example
 * ```ts
 * import { describeClassEnrollmentsConformance } from '@edusync/core/testing'
 * describeClassEnrollmentsConformance('memory', { create: async () => createMemoryStore() })
 * ```
 */
export function describeClassEnrollmentsConformance(
  name: string,
  options: ClassEnrollmentsConformanceOptions,
): void {
  describe(`Store class-roster and e-mail lookup conformance: ${name}`, () => {
    let store: Store
    beforeEach(async () => {
      store = await options.create()
    })
    afterEach(async () => {
      await store.close()
      await options.teardown?.(store)
    })
    const write = async (tenant: string, upserts: RecordWrite[]) =>
      (await store.applyBatch(tenant, 'enrollment', { upserts, park: [], unpark: [] }))._unsafeUnwrap()
    const roster = async (tenant: string, classId: string, opts?: { afterId?: string; limit?: number }) =>
      (await store.listClassEnrollments(tenant, classId, opts))._unsafeUnwrap()

    it("lists the class's live enrollments with their data, in id order, and nothing of other classes or tenants", async () => {
      await write(T1, [
        enrollment('enr-b', 'stu-2', 'class-1'),
        enrollment('enr-a', 'stu-1', 'class-1'),
        enrollment('enr-c', 'stu-3', 'class-2'),
      ])
      await write(T2, [enrollment('enr-z', 'stu-9', 'class-1')])
      const listed = await roster(T1, 'class-1')
      expect(listed.map((r) => [r.id, r.data.studentId, r.fingerprint])).toEqual([
        ['enr-a', 'stu-1', fp('enr-a/stu-1/class-1')],
        ['enr-b', 'stu-2', fp('enr-b/stu-2/class-1')],
      ])
      expect(listed[0]?.data).toEqual({ studentId: 'stu-1', classId: 'class-1', type: 'normal' })
      expect(listed[0]?.updatedAt).toBeInstanceOf(Date)
      expect((await roster(T2, 'class-1')).map((r) => r.id)).toEqual(['enr-z'])
      expect(await roster(T1, 'class-unknown')).toEqual([])
    })

    it('leaves tombstoned enrollments out, and follows an enrollment moved to another class', async () => {
      await write(T1, [enrollment('enr-a', 'stu-1', 'class-1'), enrollment('enr-b', 'stu-2', 'class-1')])
      const deleted = await store.applyDeletes(T1, [
        { entity: 'enrollment', id: 'enr-a', source: 'test', reason: 'withdrawn' },
      ])
      expect(deleted._unsafeUnwrap()).toEqual(['deleted'])
      await write(T1, [enrollment('enr-b', 'stu-2', 'class-2')])
      expect(await roster(T1, 'class-1')).toEqual([])
      expect((await roster(T1, 'class-2')).map((r) => r.id)).toEqual(['enr-b'])
    })

    it('takes a class id with SQL- and JSON-significant text literally', async () => {
      const tricky = `cls'1"; DROP TABLE records; -- \\ 日本`
      await write(T1, [enrollment('enr-1', 'stu-1', tricky), enrollment('enr-2', 'stu-2', 'cls%')])
      expect((await roster(T1, tricky)).map((r) => r.id)).toEqual(['enr-1'])
      expect(await roster(T1, 'cls_')).toEqual([])
    })

    it('pages in code-unit order: every enrollment exactly once, whatever the ids and page size', async () => {
      let run = 0
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6, unit: 'binary' }), {
            minLength: 0,
            maxLength: 25,
          }),
          fc.integer({ min: 1, max: 7 }),
          async (ids, limit) => {
            const tenant = `roster-${++run}`
            // NUL and surrogates are refused by every Store; astral characters would order differently in
            // code units (UTF-16) and code points (UTF-8 bytes), which the port leaves open for them.
            const safe = ids.filter((id) => !id.includes('\u0000') && !/[\ud800-\udfff]/.test(id))
            if (safe.length > 0)
              await write(
                tenant,
                safe.map((id) => enrollment(id, `s-${id}`, 'class-p')),
              )
            const seen: string[] = []
            let afterId: string | undefined
            for (;;) {
              const page = await roster(
                tenant,
                'class-p',
                afterId === undefined ? { limit } : { afterId, limit },
              )
              expect(page.length).toBeLessThanOrEqual(limit)
              seen.push(...page.map((r) => r.id))
              if (page.length < limit) break
              afterId = page.at(-1)?.id
            }
            const codeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
            expect(seen).toEqual([...safe].sort(codeUnits))
          },
        ),
        { numRuns: 15 },
      )
    })

    const student = (id: string, email: unknown, academicEmail: unknown = null): RecordWrite => ({
      id,
      fingerprint: fp(`student/${id}/${String(email)}/${String(academicEmail)}`),
      data: { firstName: 'A', lastName: id, status: 'active', email, academicEmail },
    })
    const byEmail = async (tenant: string, emails: string[]) =>
      (await store.findStudentsByEmail(tenant, emails))._unsafeUnwrap()

    it('finds live students by e-mail or academic e-mail, trimmed and ASCII case-insensitively', async () => {
      await store.applyBatch(T1, 'student', {
        upserts: [
          student('s-2', 'Ada.Smith@College.EDU'),
          student('s-1', null, 'ada.smith@college.edu'),
          student('s-3', 'ADA.SMITH@college.edu', 'ada.smith@college.edu'),
          student('s-4', 'omar@college.edu'),
          student('s-5', 'Élise@college.edu'),
          student('s-6', 42),
        ],
        park: [],
        unpark: [],
      })
      await store.applyBatch(T2, 'student', {
        upserts: [student('s-9', 'ada.smith@college.edu')],
        park: [],
        unpark: [],
      })
      expect(await byEmail(T1, ['  ada.SMITH@college.edu\t', 'nobody@college.edu', '', '   '])).toEqual([
        { email: 'ada.smith@college.edu', studentId: 's-1' },
        { email: 'ada.smith@college.edu', studentId: 's-2' },
        { email: 'ada.smith@college.edu', studentId: 's-3' },
      ])
      // Only ASCII letters fold: É and é stay different addresses in every Store.
      expect(await byEmail(T1, ['élise@college.edu'])).toEqual([])
      expect(await byEmail(T1, ['ÉLISE@COLLEGE.EDU'])).toEqual([
        { email: 'Élise@college.edu', studentId: 's-5' },
      ])
      expect(await byEmail(T1, ['Omar@College.edu', 'omar@college.edu'])).toEqual([
        { email: 'omar@college.edu', studentId: 's-4' },
      ])
      expect(await byEmail(T1, [])).toEqual([])
      expect(await byEmail(T2, ['ada.smith@college.edu'])).toEqual([
        { email: 'ada.smith@college.edu', studentId: 's-9' },
      ])
    })

    it('leaves tombstoned students and other entities out, and follows a changed address', async () => {
      await store.applyBatch(T1, 'student', {
        upserts: [student('s-1', 'a@x.org'), student('s-2', 'a@x.org')],
        park: [],
        unpark: [],
      })
      await store.applyBatch(T1, 'teacher', {
        upserts: [{ id: 't-1', fingerprint: fp('t-1'), data: { name: 'T', email: 'a@x.org' } }],
        park: [],
        unpark: [],
      })
      const deleted = await store.applyDeletes(T1, [
        { entity: 'student', id: 's-1', source: 'test', reason: 'left' },
      ])
      expect(deleted._unsafeUnwrap()).toEqual(['deleted'])
      expect(await byEmail(T1, ['a@x.org'])).toEqual([{ email: 'a@x.org', studentId: 's-2' }])
      await store.applyBatch(T1, 'student', { upserts: [student('s-2', 'b@x.org')], park: [], unpark: [] })
      expect(await byEmail(T1, ['a@x.org'])).toEqual([])
      expect(await byEmail(T1, ['B@X.ORG'])).toEqual([{ email: 'b@x.org', studentId: 's-2' }])
    })

    it('answers err(StoreError), never a throw, once closed', async () => {
      await store.close()
      expect((await store.listClassEnrollments(T1, 'class-1')).isErr()).toBe(true)
      expect((await store.findStudentsByEmail(T1, ['a@x.org'])).isErr()).toBe(true)
    })
  })
}
