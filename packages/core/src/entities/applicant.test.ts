import { describe, expect, it } from 'vitest'
import { fingerprint } from '../fingerprint/fingerprint.ts'
import { parseRecord } from '../parse/parse-record.ts'
import { applicant } from './applicant.ts'

describe('applicant', () => {
  const raw = {
    id: 'APP-2026-0042',
    applicationNumber: '20260042',
    trackingId: 'TRK-77A1',
    firstName: ' Jean ',
    lastName: 'Uwase',
    email: 'jean.uwase@example.rw',
    phone: '+250 788 000 000',
    gender: 'F',
    birthCountry: 'Rwanda',
    nationalId: '1199880012345678',
    campusId: '5',
    intakeId: '2026-09',
    programId: '4876876000001100001',
    programModeId: 'day',
    status: 'submitted',
    appliedAt: '2026-05-01',
  }

  it('parses an application and fingerprints every field', () => {
    const parsed = parseRecord(applicant, raw)._unsafeUnwrap()
    expect(parsed.firstName).toBe('Jean')
    expect(applicant.references).toEqual({ programId: 'program' })
    expect(fingerprint(applicant, parsed)).not.toBe(fingerprint(applicant, { ...parsed, campusId: '6' }))
  })

  it('rejects an application without a last name, naming the field', () => {
    const issues = parseRecord(applicant, { ...raw, lastName: '' })._unsafeUnwrapErr().issues
    expect(issues.map((i) => i.path)).toEqual(['lastName'])
  })
})
