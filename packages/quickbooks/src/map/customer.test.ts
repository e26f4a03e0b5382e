import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { CustomerSubject } from './customer.ts'
import { displayNameCandidates, mapCustomer, subjectFromApplicant, subjectFromStudent } from './customer.ts'
import { enrich } from './enrich.ts'
import type { CustomerNoteKey } from './notes.ts'
import {
  customerNoteKeys,
  formatCustomerNotes,
  NOTE_VALUE_LIMIT,
  NOTES_LIMIT,
  parseCustomerNotes,
} from './notes.ts'

const student: CustomerSubject = {
  kind: 'student',
  id: 'STU-42',
  firstName: 'Jean',
  lastName: 'Uwase',
  email: 'jean.uwase@example.rw',
  phone: '+250 788 000 000',
  regNo: '2026/BIT/042',
  gender: 'F',
  nationalId: '1199880012345678',
  campusId: '5',
  intakeId: 'SEP-2026',
  programId: 'P-7',
  programModeId: 'day',
  programType: 'Undergraduate',
  levelId: 'L2',
}

describe('enrich', () => {
  it('falls back from the name to the id as text to empty, never failing', () => {
    const lookups = {
      campus: new Map([['5', 'Kigali Campus']]),
      program: () => {
        throw new Error('lookup table missing')
      },
      intake: (id: string) => (id === 'blank' ? '  ' : undefined),
    }
    expect(enrich(lookups, 'campus', '5')).toBe('Kigali Campus')
    expect(enrich(lookups, 'campus', 6)).toBe('6')
    expect(enrich(lookups, 'program', 'P-7')).toBe('P-7')
    expect(enrich(lookups, 'intake', 'blank')).toBe('blank')
    expect(enrich(lookups, 'level', 'L2')).toBe('L2')
    expect(enrich(undefined, 'campus', null)).toBe('')
    expect(enrich(lookups, 'campus', '  ')).toBe('')
  })
})

describe('mapCustomer', () => {
  it('maps names, phone, e-mail and the seed fields into Notes with enrichment', () => {
    const mapped = mapCustomer(student, {
      campus: new Map([['5', 'Kigali Campus']]),
      level: new Map([['L2', 'Level 2']]),
    })
    expect(mapped.fields.GivenName).toBe('Jean')
    expect(mapped.fields.FamilyName).toBe('Uwase')
    expect(mapped.fields.PrimaryPhone).toEqual({ FreeFormNumber: '+250 788 000 000' })
    expect(mapped.fields.PrimaryEmailAddr).toEqual({ Address: 'jean.uwase@example.rw' })
    expect(mapped.fields.Notes).toBe(
      [
        'edusync student/STU-42',
        'CustomerType: Student',
        'RegNo: 2026/BIT/042',
        'Gender: F',
        'NationalID: 1199880012345678',
        'Campus: Kigali Campus',
        'Intake: SEP-2026',
        'Program: P-7',
        'ProgramMode: day',
        'ProgramType: Undergraduate',
        'Level: Level 2',
      ].join('\n'),
    )
    expect(mapped.candidates).toEqual([
      'Jean Uwase',
      'Jean Uwase (2026/BIT/042)',
      'Jean Uwase (Student STU-42)',
    ])
    expect(mapped.fingerprint).toMatch(/^[0-9a-f]{64}$/)
  })

  it('changes the fingerprint when an enriched name changes', () => {
    const a = mapCustomer(student, { campus: new Map([['5', 'Kigali']]) })
    const b = mapCustomer(student, { campus: new Map([['5', 'Kigali Campus']]) })
    expect(a.fingerprint).not.toBe(b.fingerprint)
    expect(mapCustomer(student).fingerprint).toBe(mapCustomer({ ...student }).fingerprint)
  })

  it('drops an e-mail QuickBooks would refuse and removes characters names may not hold', () => {
    const mapped = mapCustomer({ ...student, firstName: 'Jean:\tMarie', email: 'not-an-email', phone: '' })
    expect(mapped.fields.GivenName).toBe('Jean Marie')
    expect(mapped.fields.PrimaryEmailAddr).toBeUndefined()
    expect(mapped.fields.PrimaryPhone).toBeUndefined()
    expect(mapped.candidates[0]).toBe('Jean Marie Uwase')
  })

  it('makes the applicant and the student of one person two customers', () => {
    const applicant = subjectFromApplicant({
      id: 'APP-9',
      applicationNumber: '20260009',
      trackingId: 'TRK-1',
      firstName: 'Jean',
      lastName: 'Uwase',
      programId: 'P-7',
    })
    const asStudent = subjectFromStudent({
      id: 'STU-42',
      code: 'A01',
      firstName: 'Jean',
      lastName: 'Uwase',
      status: 'active',
    })
    const a = mapCustomer(applicant)
    const s = mapCustomer(asStudent)
    expect(a.owner).toBe('applicant/APP-9')
    expect(s.owner).toBe('student/STU-42')
    expect(a.candidates).toEqual(['Jean Uwase', 'Jean Uwase (20260009)', 'Jean Uwase (Applicant APP-9)'])
    expect(parseCustomerNotes(a.fields.Notes)?.fields).toMatchObject({
      CustomerType: 'Applicant',
      ApplicationID: '20260009',
      TrackingID: 'TRK-1',
    })
  })

  it('gives distinct, deterministic candidates to two students with the same name', () => {
    const one = displayNameCandidates({ ...student, id: 'S1', regNo: 'R1' })
    const two = displayNameCandidates({ ...student, id: 'S2', regNo: 'R2' })
    expect(one[0]).toBe(two[0])
    expect(one[1]).not.toBe(two[1])
    expect(displayNameCandidates({ ...student, id: 'S1', regNo: 'R1' })).toEqual(one)
  })
})

describe('customer Notes layout', () => {
  const text = fc.string({ maxLength: 300 })
  it('always fits QuickBooks limit and round-trips one-line values within the value limit', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...customerNoteKeys), text),
        fc.string({ minLength: 1, maxLength: 60 }),
        (fields, id) => {
          const cleanId = id.replace(/[\s/]/g, 'x')
          const notes = formatCustomerNotes({ entity: 'student', id: cleanId, fields })
          expect(notes.length).toBeLessThanOrEqual(NOTES_LIMIT)
          const parsed = parseCustomerNotes(notes)
          expect(parsed?.entity).toBe('student')
          expect(parsed?.id).toBe(cleanId)
          for (const [key, value] of Object.entries(fields)) {
            const flat = value
              .replace(/[\t\r\n]+/g, ' ')
              .replace(/\s+/g, ' ')
              .trim()
            if (flat === '') expect(parsed?.fields[key as CustomerNoteKey]).toBeUndefined()
            else if ([...flat].length <= NOTE_VALUE_LIMIT)
              expect(parsed?.fields[key as CustomerNoteKey]).toBe(flat)
          }
        },
      ),
    )
  })

  it('does not claim notes someone else wrote', () => {
    expect(parseCustomerNotes('Prefers e-mail. Paid by parent.')).toBeUndefined()
    expect(parseCustomerNotes(undefined)).toBeUndefined()
  })
})
