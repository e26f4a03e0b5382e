/**
 * Deterministic, realistic canonical records for the benchmark: programs, students, and registrations
 * that reference them, each with a payment schedule of 3-8 instalments (money in minor units, ISO dates,
 * free text with non-ASCII names).
 */

// mulberry32: small, fast and seeded, so every run writes the same records.
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const zohoId = (n: number) => `4876876000${String(n).padStart(9, '0')}`
const programId = (n: number) => zohoId(100_000_000 + n)
const studentId = (n: number) => zohoId(200_000_000 + n)
const registrationId = (n: number) => zohoId(300_000_000 + n)

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

/** How many parents the registrations reference. */
export const PARENTS = { programs: 40, students: 25_000 } as const

/** The programs every benchmark tenant has. */
export function programs(): Record<string, unknown>[] {
  return Array.from({ length: PARENTS.programs }, (_, n) => ({
    id: programId(n),
    code: `PRG-${n}`,
    name: `BTEC Level ${4 + (n % 3)} HND ${n}`,
    price: { minor: (20 + n) * 10_000, currency: CURRENCIES[n % 4] },
    status: 'active',
    type: 'HND',
  }))
}

/** The students every benchmark tenant has. */
export function students(): Record<string, unknown>[] {
  const rand = prng(2)
  return Array.from({ length: PARENTS.students }, (_, n) => {
    const first = pick(rand, FIRST)
    const last = pick(rand, LAST)
    return {
      id: studentId(n),
      code: `A${String(n).padStart(6, '0')}`,
      firstName: first,
      lastName: last,
      displayName: `${first} ${last}`,
      email: `student${n}@example.com`,
      phone: `+90 5${String(Math.floor(rand() * 1e9)).padStart(9, '0')}`,
      birthDate: dateOf(
        1985 + Math.floor(rand() * 20),
        1 + Math.floor(rand() * 12),
        1 + Math.floor(rand() * 28),
      ),
      status: 'active',
      programId: programId(n % PARENTS.programs),
      studyMode: pick(rand, MODES),
      currency: 'USD',
    }
  })
}

/** The `n`th registration (the same `n` always gives the same record). */
export function registration(n: number): Record<string, unknown> {
  const rand = prng(1_000_003 + n)
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
  const paymentSchedule = Array.from({ length: instalments }, (_, i) => {
    const amount = i === instalments - 1 ? total - each * (instalments - 1) : each
    const dueDate = dateOf(year, month + i, day)
    const paid = i < paidUpTo
    return {
      number: i + 1,
      dueDate,
      amount: { minor: amount, currency },
      status: paid ? 'paid' : 'due',
      paidDate: paid ? dueDate : null,
    }
  })
  return {
    id: registrationId(n),
    code: `REG-${year}-${String(n).padStart(6, '0')}`,
    studentId: studentId(Math.floor(rand() * PARENTS.students)),
    programId: programId(Math.floor(rand() * PARENTS.programs)),
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
    paymentSchedule,
  }
}

/** A real change: the registration's remaining amount drops, as when an instalment is paid. */
export function changed(record: Record<string, unknown>): Record<string, unknown> {
  const remaining = record.remainingAmount as { minor: number; currency: string }
  return { ...record, remainingAmount: { ...remaining, minor: remaining.minor - 100 } }
}

/** Registrations `from` .. `from + count - 1`, generated lazily (constant memory). */
export function* registrations(from: number, count: number, change?: (n: number) => boolean) {
  for (let n = from; n < from + count; n++) {
    const record = registration(n)
    yield change?.(n) ? changed(record) : record
  }
}
