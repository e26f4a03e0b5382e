import { describe, expect, it } from 'vitest'
import { invoiceState, invoiceStatus } from './invoice-state.ts'

const balance = (paidMinor: number, dueDate = '2026-02-05') => ({
  id: 'inv-1',
  number: 'INV-1',
  schoolId: 'sch',
  studentId: 's',
  currency: 'USD',
  dueDate,
  totalMinor: 1000,
  paidMinor,
})

describe('invoiceStatus', () => {
  it.each([
    [0, 'PENDING'],
    [1, 'PARTIALLY_PAID'],
    [999, 'PARTIALLY_PAID'],
    [1000, 'PAID'],
  ] as const)('is derived from payments: %i of 1000 paid is %s', (paid, status) => {
    expect(invoiceStatus(1000, paid)).toBe(status)
  })
})

describe('invoiceState', () => {
  it.each([
    [0, '2026-02-05', 'PENDING', false, 0],
    [0, '2026-02-06', 'OVERDUE', true, 1],
    [500, '2026-05-06', 'OVERDUE', true, 90],
    [500, '2026-01-01', 'PARTIALLY_PAID', false, 0],
    [1000, '2027-01-01', 'PAID', false, 0],
  ] as const)(
    'with %i paid on %s is labelled %s (overdue %s, %i days)',
    (paid, asOf, label, overdue, days) => {
      expect(invoiceState(balance(paid), asOf)).toMatchObject({
        label,
        overdue,
        daysOverdue: days,
        remainingMinor: 1000 - paid,
      })
    },
  )
})
