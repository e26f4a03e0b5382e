/**
 * Realistic canonical records for every shipped entity, plus a pool of parent records that satisfy every
 * reference the samples make. Values are already in canonical (parsed) form, so a sample synced and read
 * back is `toStrictEqual` to itself.
 */
import type { CanonicalEntityName } from '../index.ts'

/** Ids of the parent records in {@link parentBatches}, per entity (every sample references the first). */
export const pool = {
  program: ['4876876000001100001', '4876876000001100002', '4876876000001100003'],
  teacher: ['4876876000002200001', '4876876000002200002', '4876876000002200003'],
  unit: ['4876876000003300001', '4876876000003300002', '4876876000003300003'],
  student: ['4876876000004400001', '4876876000004400002', '4876876000004400003'],
  class: ['4876876000005500001', '4876876000005500002', '4876876000005500003'],
  registration: ['4876876000006600001', '4876876000006600002', '4876876000006600003'],
} as const satisfies Partial<Record<CanonicalEntityName, readonly string[]>>

type Rec = Record<string, unknown>

const P = pool.program[0]
const T = pool.teacher[0]
const U = pool.unit[0]
const S = pool.student[0]
const C = pool.class[0]
const R = pool.registration[0]

/** One valid record per entity with every field set, referencing the first id of each parent pool. */
export function sample(entity: CanonicalEntityName, id = '4876876000009900001'): Rec {
  switch (entity) {
    case 'student':
      return {
        id,
        code: 'A01B3011C',
        firstName: 'Ayşe',
        lastName: 'Yılmaz',
        displayName: 'Ayşe Yılmaz',
        email: 'ayse.yilmaz@example.com',
        academicEmail: 'a.yilmaz@students.example.edu',
        phone: '+90 532 000 00 00',
        birthDate: '2004-03-09',
        gender: 'female',
        nationality: 'TR',
        nationalNumber: '12345678901',
        address: 'Atatürk Cd. 12',
        city: 'İzmir',
        country: 'Türkiye',
        status: 'active',
        programId: P,
        studyMode: 'evening',
        currency: 'TRY',
      }
    case 'teacher':
      return {
        id,
        name: 'Dr. Emre Kaya',
        email: 'emre.kaya@example.com',
        academicEmail: 'e.kaya@staff.example.edu',
        phone: '+90 555 111 22 33',
      }
    case 'program':
      return {
        id,
        code: 'HND-BUS-L5',
        name: 'BTEC Level 5 HND in Business',
        price: { minor: 450000, currency: 'USD' },
        unitPrice: { minor: 30000, currency: 'USD' },
        status: 'active',
        type: 'HND',
        major: 'Business',
        subMajor: 'Management',
      }
    case 'unit':
      return {
        id,
        name: 'Managing a Successful Business Project',
        code: 'K/618/5036',
        number: '6',
        credit: '15',
        level: '4',
        major: 'Business',
        serviceType: 'core',
        programId: P,
        criteria: [
          { code: 'P1', description: 'Explain the key project management principles' },
          { code: 'M1', description: 'Evaluate the project management process' },
          { code: 'D1', description: 'Critically evaluate the project outcomes' },
        ],
        gradingTemplate: 'btec-pmd',
      }
    case 'class':
      return {
        id,
        code: 'CLS-2026-S-006',
        name: 'Unit 6 — Spring 2026 evening',
        shortName: 'U6-S26-E',
        unitId: U,
        programId: P,
        teacherId: T,
        status: 'active',
        startDate: '2026-02-02',
        endDate: '2026-05-29',
        term: 'Spring',
        year: '2026',
        studyMode: 'evening',
      }
    case 'enrollment':
      return {
        id,
        code: 'ENR-000451',
        studentId: S,
        classId: C,
        startDate: '2026-02-02',
        endDate: '2026-05-29',
        type: 'normal',
      }
    case 'registration':
      return {
        id,
        code: 'REG-2026-000451',
        studentId: S,
        programId: P,
        registrationDate: '2026-01-15',
        status: 'active',
        programPrice: { minor: 450000, currency: 'USD' },
        remainingAmount: { minor: 300000, currency: 'USD' },
        discount: true,
        discountPercent: 10,
        studyMode: 'evening',
        studyLanguage: 'English',
        intake: '2026-SPRING',
        registrationNumber: 'R-2026-0451',
        paymentSchedule: [
          {
            number: 1,
            dueDate: '2026-01-15',
            amount: { minor: 150000, currency: 'USD' },
            status: 'paid',
            paidDate: '2026-01-14',
          },
          { number: 2, dueDate: '2026-03-15', amount: { minor: 150000, currency: 'USD' }, status: 'due' },
          { number: 3, dueDate: '2026-05-15', amount: { minor: 150000, currency: 'USD' } },
        ],
      }
    case 'payment':
      return {
        id,
        code: 'PAY-000981',
        registrationId: R,
        studentId: S,
        amount: { minor: 150000, currency: 'USD' },
        paymentDate: '2026-01-14',
        method: 'bank transfer',
        type: 'installment',
        installmentNumber: 1,
        voucherNumber: 'V-2026-0098',
        note: 'first instalment',
      }
    case 'grade':
      return {
        id,
        code: 'GRD-000777',
        studentId: S,
        classId: C,
        unitCode: 'K/618/5036',
        grade: 'M',
        status: 'final',
        attemptNumber: 1,
        attemptDate: '2026-05-20',
        feedback: 'Clear project plan; evaluation could go deeper.',
        graderName: 'Dr. Emre Kaya',
        internalVerifierName: 'Zeynep Demir',
        compositeKey: `${S}-${C}-1`,
        learningOutcomes: [
          { code: 'LO1', title: 'Project management principles', score: 2, feedback: 'good' },
          { code: 'LO2', title: 'Plan a project', definition: 'Produce a plan', score: 0, feedback: null },
        ],
      }
    case 'request':
      return {
        id,
        code: 'REQ-000042',
        studentId: S,
        type: 'Late Submission',
        description: 'Hospitalised the week of the deadline; medical report attached.',
        status: 'pending',
        requestDate: '2026-01-14T07:30:00.000Z',
      }
    default:
      return entity satisfies never
  }
}

/** Valid parent records for every id in {@link pool}, keyed by entity, ready for `engine.syncAll`. */
export function parentBatches(): Record<keyof typeof pool, Rec[]> {
  const batches = {} as Record<keyof typeof pool, Rec[]>
  for (const entity of Object.keys(pool) as (keyof typeof pool)[]) {
    batches[entity] = pool[entity].map((id, i) => ({ ...sample(entity, id), code: `${entity}-${i + 1}` }))
  }
  return batches
}
