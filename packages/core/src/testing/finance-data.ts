/** Builders of canonical finance records for tests and benchmarks (plain objects, as an adapter sends). */

/** A canonical school. */
export const schoolRecord = (id: string, name = `School ${id}`) => ({ id, name })

/** A canonical student (the minimum the engine accepts). */
export const studentRecord = (id: string) => ({ id, firstName: 'Student', lastName: id, status: 'active' })

/** A canonical invoice with one line of `totalMinor`. */
export function invoiceRecord(
  id: string,
  options: {
    readonly schoolId?: string
    readonly studentId: string
    readonly totalMinor: number
    readonly currency?: string
    readonly issueDate?: string
    readonly dueDate?: string
    readonly number?: string
  },
) {
  const currency = options.currency ?? 'USD'
  return {
    id,
    schoolId: options.schoolId ?? 'school-1',
    studentId: options.studentId,
    number: options.number ?? `INV-${id}`,
    issueDate: options.issueDate ?? '2026-01-05',
    dueDate: options.dueDate ?? options.issueDate ?? '2026-02-05',
    currency,
    lines: [{ description: 'Tuition', amount: { minor: options.totalMinor, currency } }],
    total: { minor: options.totalMinor, currency },
  }
}

/** A canonical payment (or, with `reverses`, a reversal) of `amountMinor` against an invoice. */
export function paymentRecord(
  id: string,
  options: {
    readonly invoiceId: string
    readonly amountMinor: number
    readonly currency?: string
    readonly paidOn?: string
    readonly reverses?: string
  },
) {
  return {
    id,
    invoiceId: options.invoiceId,
    amount: { minor: options.amountMinor, currency: options.currency ?? 'USD' },
    paidOn: options.paidOn ?? '2026-01-20',
    method: 'bank transfer',
    ...(options.reverses === undefined ? {} : { reverses: options.reverses }),
  }
}

/** A small deterministic pseudo-random generator (mulberry32), so generated ledgers are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
