import { describe, expect, it } from 'vitest'
import { registrationFields, studentFields } from '../__fixtures__/fields-metadata.ts'
import { testConfig, useZohoServer } from '../__fixtures__/server.ts'
import { createZohoClient } from '../client.ts'
import { defaultFieldMap } from './default-field-map.ts'
import { validateFieldMap } from './validate-field-map.ts'
import { withFieldMap } from './with-field-map.ts'

useZohoServer()

describe('validateFieldMap', () => {
  it('finds nothing wrong with the shipped map against the real registration metadata', async () => {
    const fields = (await createZohoClient(testConfig).fields('BTEC_Registrations'))._unsafeUnwrap()
    expect(validateFieldMap(defaultFieldMap.modules.registration, fields)).toEqual([])
  })

  it('accepts a raw /settings/fields response body', () => {
    expect(validateFieldMap(defaultFieldMap.modules.student, { fields: studentFields })).toEqual([])
  })

  it('reports every missing field, wrong type and wrong lookup target', () => {
    const map = withFieldMap(defaultFieldMap, {
      modules: {
        registration: {
          fields: {
            status: 'Enrollment_Status',
            registrationDate: 'Created_Time',
            studentId: { zoho: 'Program', lookupModule: 'BTEC_Students' },
            intake: 'Intake_Term',
          },
        },
      },
    })
    const issues = validateFieldMap(map.modules.registration, registrationFields)
    expect(issues.map((i) => [i.field, i.zoho, i.problem])).toEqual([
      ['studentId', 'Program', 'wrong-lookup'],
      ['registrationDate', 'Created_Time', 'wrong-type'],
      ['status', 'Enrollment_Status', 'missing'],
      ['intake', 'Intake_Term', 'missing'],
    ])
    expect(issues[1]?.message).toBe(
      'BTEC_Registrations.Created_Time is a datetime field, which cannot be read as date (accepted: date)',
    )
  })

  it('checks subform rows when their metadata is given', () => {
    const rows = [
      { api_name: 'Installment_No', data_type: 'integer' },
      { api_name: 'Due_Date', data_type: 'datetime' },
      { api_name: 'Installment_Amount', data_type: 'currency' },
      { api_name: 'Paid_Date', data_type: 'date' },
    ]
    const issues = validateFieldMap(defaultFieldMap.modules.registration, registrationFields, {
      Payment_Schedule: rows,
    })
    expect(issues.map((i) => [i.field, i.problem])).toEqual([
      ['paymentSchedule.dueDate', 'wrong-type'],
      ['paymentSchedule.status', 'missing'],
    ])
  })

  it('checks each criterion field of a unit', () => {
    const meta = [
      { api_name: 'Name', data_type: 'text' },
      { api_name: 'P1_description', data_type: 'textarea' },
    ]
    const issues = validateFieldMap(defaultFieldMap.modules.unit, meta)
    expect(issues.filter((i) => i.field.startsWith('criteria.'))).toHaveLength(24)
  })
})
