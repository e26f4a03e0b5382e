/**
 * Deterministic, realistic canonical programs, students and registrations (`@edusync/core/sample-data`).
 * A registration references one generated student and program and carries a payment schedule of 3-8
 * instalments, money, dates and the usual free-text fields.
 */

/** A small, fast, seeded PRNG (mulberry32), so every run generates the same records. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const zohoId = (prefix: number, n: number) => `${prefix}${String(n).padStart(9, '0')}`

/** Id of the `n`th generated program. */
export const programId = (n: number) => zohoId(4876876000, 100_000_000 + n)
/** Id of the `n`th generated student. */
export const studentId = (n: number) => zohoId(4876876000, 200_000_000 + n)
/** Id of the `n`th generated registration. */
export const registrationId = (n: number) => zohoId(4876876000, 300_000_000 + n)

const CURRENCIES = ['USD', 'TRY', 'EUR', 'GBP'] as const
const FIRST = ['Ayşe', 'Mehmet', 'Zeynep', 'Emre', 'Elif', 'Can', 'Fatma', 'Ali', 'Deniz', 'Omar', 'Sara']
const LAST = ['Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik', 'Aydın', 'Öztürk', 'Haddad', 'Smith', 'Nasser']
const MODES = ['day', 'evening', 'weekend', 'online'] as const
const STATUSES = ['new', 'active', 'active', 'active', 'graduated', 'frozen', 'withdrawn'] as const

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T
const pad2 = (n: number) => String(n).padStart(2, '0')
const dateOf = (year: number, month: number, day: number) => {
  const d = new Date(Date.UTC(year, month - 1, day))
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`
}

/** `count` programs, each with a price and a unit price. */
export function makePrograms(count: number): Record<string, unknown>[] {
  const rand = prng(1)
  return Array.from({ length: count }, (_, n) => {
    const currency = CURRENCIES[n % CURRENCIES.length] as string
    const price = (20 + Math.floor(rand() * 60)) * 10_000
    return {
      id: programId(n),
      code: `PRG-${n}`,
      name: `BTEC Level ${4 + (n % 3)} HND in ${pick(rand, ['Business', 'Computing', 'Engineering', 'Art and Design'])}`,
      price: { minor: price, currency },
      unitPrice: { minor: Math.round(price / 15), currency },
      status: 'active',
      type: 'HND',
      major: pick(rand, ['Business', 'Computing', 'Engineering']),
      subMajor: null,
    }
  })
}

/** `count` students, each following one of `programs` programs. */
export function makeStudents(count: number, programs: number): Record<string, unknown>[] {
  const rand = prng(2)
  return Array.from({ length: count }, (_, n) => {
    const first = pick(rand, FIRST)
    const last = pick(rand, LAST)
    return {
      id: studentId(n),
      code: `A${String(n).padStart(6, '0')}`,
      firstName: first,
      lastName: last,
      displayName: `${first} ${last}`,
      email: `student${n}@example.com`,
      academicEmail: `s${n}@students.example.edu`,
      phone: `+90 5${String(Math.floor(rand() * 1e9)).padStart(9, '0')}`,
      birthDate: dateOf(
        1985 + Math.floor(rand() * 20),
        1 + Math.floor(rand() * 12),
        1 + Math.floor(rand() * 28),
      ),
      status: 'active',
      programId: programId(n % programs),
      studyMode: pick(rand, MODES),
      currency: 'USD',
    }
  })
}

/** Options of {@link makeRegistrations}. */
export interface RegistrationMix {
  /** How many students and programs exist (references stay within them). */
  readonly students: number
  readonly programs: number
  /** @default 3 */
  readonly seed?: number
}

/**
 * The `n`th registration of a mix: the same `n` and mix always give the same record (each record has its
 * own seeded generator), so records can be generated in any order or in parallel.
 */
export function makeRegistration(n: number, mix: RegistrationMix): Record<string, unknown> {
  const rand = prng((mix.seed ?? 3) * 1_000_003 + n)
  const currency = CURRENCIES[n % CURRENCIES.length] as string
  const price = (20 + Math.floor(rand() * 60)) * 10_000
  const discountPercent = rand() < 0.3 ? pick(rand, [5, 10, 15, 20, 25]) : 0
  const total = Math.round(price * (1 - discountPercent / 100))
  const instalments = 3 + Math.floor(rand() * 6)
  const year = 2024 + Math.floor(rand() * 3)
  const month = 1 + Math.floor(rand() * 12)
  const day = 1 + Math.floor(rand() * 28)
  const paidUpTo = Math.floor(rand() * (instalments + 1))
  const each = Math.floor(total / instalments)
  const schedule = Array.from({ length: instalments }, (_, i) => {
    const amount = i === instalments - 1 ? total - each * (instalments - 1) : each
    const dueDate = dateOf(year, month + i, day)
    return i < paidUpTo
      ? { number: i + 1, dueDate, amount: { minor: amount, currency }, status: 'paid', paidDate: dueDate }
      : { number: i + 1, dueDate, amount: { minor: amount, currency }, status: 'due', paidDate: null }
  })
  return {
    id: registrationId(n),
    code: `REG-${year}-${String(n).padStart(6, '0')}`,
    studentId: studentId(Math.floor(rand() * mix.students)),
    programId: programId(Math.floor(rand() * mix.programs)),
    registrationDate: dateOf(year, month, day),
    status: pick(rand, STATUSES),
    programPrice: { minor: price, currency },
    remainingAmount: { minor: total - each * paidUpTo, currency },
    discount: discountPercent > 0,
    discountPercent,
    studyMode: pick(rand, MODES),
    studyLanguage: pick(rand, ['English', 'Turkish', 'Arabic']),
    intake: `${year}-${month <= 6 ? 'SPRING' : 'FALL'}`,
    registrationNumber: `R-${year}-${n}`,
    paymentSchedule: schedule,
  }
}

/** `count` registrations with realistic payment schedules, referencing generated students and programs. */
export function makeRegistrations(count: number, mix: RegistrationMix): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, n) => makeRegistration(n, mix))
}

/**
 * A copy of a registration with its next unpaid instalment paid (what a real change looks like: an
 * instalment's status and paid date, and the remaining amount). A fully paid one changes status instead.
 */
export function payNextInstalment(record: Record<string, unknown>): Record<string, unknown> {
  const schedule = record.paymentSchedule as { status: string; dueDate: string; amount: { minor: number } }[]
  const next = schedule.findIndex((i) => i.status !== 'paid')
  if (next < 0) return { ...record, status: record.status === 'graduated' ? 'active' : 'graduated' }
  const paid = schedule.map((i, k) => (k === next ? { ...i, status: 'paid', paidDate: i.dueDate } : i))
  const remaining = record.remainingAmount as { minor: number; currency: string }
  const amount = schedule[next]?.amount.minor ?? 0
  return {
    ...record,
    paymentSchedule: paid,
    remainingAmount: { ...remaining, minor: remaining.minor - amount },
  }
}

/** Options of {@link streamRegistrations}. */
export interface RegistrationStream extends RegistrationMix {
  /** How many distinct registrations to vary (field mix, schedules) before repeating. @default 1000 */
  readonly templates?: number
  /** Every `changedEvery`th record has its next instalment paid (see {@link payNextInstalment}). */
  readonly changedEvery?: number
}

/**
 * Generates `count` registrations lazily, as a paginated API source would deliver them, so a consumer
 * holds only what it is working on. Record `n` always has the same content (id, code, student and the
 * field mix of template `n % templates`), so two streams with the same options yield equal records.
 */
export function* streamRegistrations(
  count: number,
  options: RegistrationStream,
): Generator<Record<string, unknown>> {
  const templates = makeRegistrations(options.templates ?? 1000, options)
  const paid = options.changedEvery ? templates.map(payNextInstalment) : templates
  for (let n = 0; n < count; n++) {
    const k = n % templates.length
    const template = (
      options.changedEvery && n % options.changedEvery === 0 ? paid[k] : templates[k]
    ) as Record<string, unknown>
    yield {
      ...template,
      id: registrationId(n),
      code: `REG-${n}`,
      registrationNumber: `R-${n}`,
      studentId: studentId((n * 7919) % options.students),
    }
  }
}
