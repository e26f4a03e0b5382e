import { hash } from 'node:crypto'
import type { ParkWrite, RecordWrite } from '../store/store.ts'

/** Tenants used by the conformance suite. */
export const T1 = 'tenant-one'
export const T2 = 'tenant-two'

/** A valid fingerprint derived from a label (not a real record fingerprint; Stores treat it as opaque). */
export const fp = (label: string): string => hash('sha256', label, 'hex')

const a: RecordWrite = {
  id: '6493490000001291001',
  fingerprint: fp('a'),
  data: { firstName: 'Ayşe', lastName: 'Yılmaz', status: 'active', email: 'ayse@example.org' },
}
const b: RecordWrite = {
  id: '6493490000001291002',
  fingerprint: fp('b'),
  data: { firstName: 'Omar', lastName: 'Haddad', status: 'pending', email: null },
}
// Every kind of value a canonical record holds, plus text that is significant to SQL and JSON.
const tricky: RecordWrite = {
  id: "pay'1;--",
  fingerprint: fp('tricky'),
  data: {
    registrationId: 'reg-1',
    amount: { minor: 150050, currency: 'USD' },
    zero: 0,
    negative: -12,
    empty: '',
    nothing: null,
    flag: false,
    note: `O'Brien said "hi" \\ $1 -- /* */ ; DROP TABLE x; 日本語 🎓 \t tab`,
    schedule: [
      { number: 1, dueDate: '2026-01-15', amount: { minor: 100, currency: 'EUR' } },
      { number: 2, dueDate: '2026-02-15', amount: { minor: 0, currency: 'EUR' } },
    ],
  },
}
const program: RecordWrite = { id: 'prog-1', fingerprint: fp('program'), data: { name: 'HND Business' } }
const parkedPayment: ParkWrite = {
  id: 'pay-parked',
  fingerprint: fp('parked-payment'),
  data: { registrationId: 'reg-1', amount: { minor: 1000, currency: 'USD' }, paymentDate: '2026-01-15' },
  waitingFor: [{ entity: 'registration', id: 'reg-1' }],
}
const parkedGrade: ParkWrite = {
  id: 'grade-parked',
  fingerprint: fp('parked-grade'),
  data: { studentId: 's-9', classId: 'c-9' },
  waitingFor: [
    { entity: 'student', id: 's-9' },
    { entity: 'class', id: 'c-9' },
  ],
}

/** Fixed records for the conformance suite. */
export const conformanceData = {
  a,
  b,
  tricky,
  program,
  parkedPayment,
  parkedGrade,
  /** A canonical program input for engine-level tests. */
  programInput: {
    id: 'prog-engine-1',
    name: 'BTEC Level 5 HND in Business',
    price: { minor: 440000, currency: 'USD' },
  },
} as const
