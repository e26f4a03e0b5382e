import { describe, expect, it } from 'vitest'
import { realSchoolFields, realSchoolRecords } from '../__fixtures__/real-school.ts'
import { requestRecord } from '../__fixtures__/records.ts'
import { defaultFieldMap } from '../map/default-field-map.ts'
import { validateFieldMaps } from '../map/validate-field-maps.ts'
import { withFieldMetadata } from '../map/with-field-metadata.ts'
import { readZohoRecord } from './read-record.ts'

describe('reading BTEC_Student_Requests (canonical request)', () => {
  it('reads a request: the Student lookup, Request_Type, Reason, Status and the Request_Date instant in UTC', () => {
    expect(readZohoRecord('request', requestRecord)._unsafeUnwrap()).toEqual({
      id: '6493490000009001901',
      code: 'Drop Unit 4',
      studentId: '6493490000001291001',
      type: 'Class Drop',
      description: 'Timetable clash with work.',
      status: 'approved',
      requestDate: '2025-10-02T06:15:00.000Z',
    })
  })

  it("reads the real school's record, whose Status is the layout default `Pending (Default)`", () => {
    const map = withFieldMetadata(defaultFieldMap, realSchoolFields)
    expect(readZohoRecord('request', realSchoolRecords.request, map)._unsafeUnwrap()).toMatchObject({
      id: '5398830000131000901',
      studentId: '5398830000131000001',
      type: 'Late Submission',
      status: 'pending',
      requestDate: '2026-01-14T07:30:00.000Z',
    })
  })

  it('maps onto fields that exist with the right types in the real export', () => {
    const report = validateFieldMaps(
      { modules: { request: defaultFieldMap.modules.request } } as typeof defaultFieldMap,
      realSchoolFields,
    )
    expect(report.issues).toEqual([])
  })

  it.each([
    { zoho: 'Request_Date', value: '14/01/2026', rule: 'iso_instant' },
    { zoho: 'Status', value: 'On Hold', rule: 'picklist' },
    { zoho: 'Student', value: null, rule: 'invalid_type' },
  ])('reports $zoho = $value as INVALID naming the Zoho field, rule and value', ({ zoho, value, rule }) => {
    const error = readZohoRecord('request', { ...requestRecord, [zoho]: value })._unsafeUnwrapErr()
    expect(error.issues).toEqual([expect.objectContaining({ path: zoho, rule, received: value })])
    expect(error.message).toContain(zoho)
  })
})
