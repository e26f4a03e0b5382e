/**
 * The benchmark's records: core's deterministic sample data (`@edusync/core/sample-data`), so the
 * store-pg and core suites measure the same realistic registrations (payment schedules of 3-8
 * instalments, money, dates, non-ASCII names) referencing the same kind of parents.
 */
import { makePrograms, makeRegistration, makeStudents, payNextInstalment } from '@edusync/core/sample-data'

/** How many parents the registrations reference. */
export const PARENTS = { programs: 40, students: 25_000 } as const

/** The programs every benchmark tenant has. */
export const programs = (): Record<string, unknown>[] => makePrograms(PARENTS.programs)

/** The students every benchmark tenant has. */
export const students = (): Record<string, unknown>[] => makeStudents(PARENTS.students, PARENTS.programs)

/** The `n`th registration (the same `n` always gives the same record). */
export const registration = (n: number): Record<string, unknown> => makeRegistration(n, PARENTS)

/** A real change: the next instalment is paid (status, paid date, remaining amount). */
export const changed = payNextInstalment

/** Registrations `from` .. `from + count - 1`, generated lazily (constant memory). */
export function* registrations(from: number, count: number, change?: (n: number) => boolean) {
  for (let n = from; n < from + count; n++) {
    const record = registration(n)
    yield change?.(n) ? changed(record) : record
  }
}
