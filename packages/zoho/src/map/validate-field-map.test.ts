import { describe, expect, it } from 'vitest'
import { registrationFields, studentFields } from '../__fixtures__/fields-metadata.ts'
import { realSchoolFields } from '../__fixtures__/real-school.ts'
import { testConfig, useZohoServer } from '../__fixtures__/server.ts'
import { createZohoClient } from '../client.ts'
import type { ZohoField } from '../schemas/fields.ts'
import { defaultFieldMap } from './default-field-map.ts'
import { loadFieldMetadata } from './load-field-metadata.ts'
import { validateFieldMap } from './validate-field-map.ts'
import { validateFieldMaps } from './validate-field-maps.ts'
import { withFieldMap } from './with-field-map.ts'

useZohoServer()

const rows = (...fields: [string, string][]): ZohoField[] =>
  fields.map(([api_name, data_type]) => ({ api_name, data_type }))
const paymentSchedule = rows(
  ['Installment_No', 'integer'],
  ['Due_Date', 'date'],
  ['Installment_Amount', 'currency'],
  ['Installment_Status', 'picklist'],
  ['Paid_Date', 'date'],
)

describe('validateFieldMap', () => {
  it('finds nothing wrong with the shipped map against v8 registration metadata', async () => {
    const fields = (await createZohoClient(testConfig).fields('BTEC_Registrations'))._unsafeUnwrap()
    const report = validateFieldMap(defaultFieldMap.modules.registration, fields, {
      subforms: { Payment_Schedule: paymentSchedule },
    })
    expect(report).toEqual({ issues: [], skipped: [] })
  })

  it('accepts a raw /settings/fields response body', () => {
    expect(validateFieldMap(defaultFieldMap.modules.student, { fields: studentFields }).issues).toEqual([])
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
    const { issues } = validateFieldMap(map.modules.registration, registrationFields)
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

  it('checks subform rows when their metadata is given, and says it skipped them otherwise', () => {
    const wrong = rows(
      ['Installment_No', 'integer'],
      ['Due_Date', 'datetime'],
      ['Installment_Amount', 'currency'],
      ['Paid_Date', 'date'],
    )
    const checked = validateFieldMap(defaultFieldMap.modules.registration, registrationFields, {
      subforms: { Payment_Schedule: wrong },
    })
    expect(checked.issues.map((i) => [i.module, i.field, i.problem])).toEqual([
      ['BTEC_Registrations.Payment_Schedule', 'paymentSchedule.dueDate', 'wrong-type'],
      ['BTEC_Registrations.Payment_Schedule', 'paymentSchedule.status', 'missing'],
    ])
    expect(checked.skipped).toEqual([])
    const unchecked = validateFieldMap(defaultFieldMap.modules.registration, registrationFields)
    expect(unchecked.skipped).toEqual([
      expect.objectContaining({ field: 'paymentSchedule', zoho: 'Payment_Schedule', check: 'subform-rows' }),
    ])
    expect(unchecked.skipped[0]?.reason).toContain('pass the subform module')
  })

  it('checks each criterion field of a unit', () => {
    const meta = rows(['Name', 'text'], ['P1_description', 'textarea'])
    const { issues } = validateFieldMap(defaultFieldMap.modules.unit, meta)
    expect(issues.filter((i) => i.field.startsWith('criteria.'))).toHaveLength(24)
  })

  it('reads lookup targets from v2 (string) and v8 (object) metadata, and skips a lookup that names none', () => {
    const map = withFieldMap(defaultFieldMap, {
      modules: { payment: { fields: { studentId: { zoho: 'Student_ID', lookupModule: 'Contacts' } } } },
    }).modules.payment
    const v2 = realSchoolFields.BTEC_Payments ?? []
    const v8 = v2.map((f) =>
      typeof f.lookup?.module === 'string'
        ? { ...f, lookup: { module: { api_name: f.lookup.module, id: '1' } } }
        : f,
    )
    for (const metadata of [v2, v8]) {
      expect(validateFieldMap(map, metadata, { defaultCurrency: 'USD' }).issues).toEqual([
        expect.objectContaining({
          zoho: 'Student_ID',
          problem: 'wrong-lookup',
          message: 'BTEC_Payments.Student_ID looks up BTEC_Students, expected Contacts',
        }),
      ])
    }
    const noTarget = v2.map((f) => (f.api_name === 'Registration_ID' ? { ...f, lookup: {} } : f))
    const report = validateFieldMap(defaultFieldMap.modules.payment, noTarget)
    expect(report.issues).toEqual([])
    expect(report.skipped).toEqual([
      expect.objectContaining({ field: 'registrationId', zoho: 'Registration_ID', check: 'lookup-target' }),
    ])
  })

  it('reports untranslated picklist options, and skips picklists whose metadata lists no options', () => {
    const map = withFieldMap(defaultFieldMap, {
      modules: {
        class: { fields: { status: { values: { Pending: 'pending', 'Waiting Assessment': 'x' } } } },
      },
    }).modules.class
    const { issues } = validateFieldMap(map, realSchoolFields.BTEC_Classes ?? [])
    // Keyed by its label, the renamed "Waiting Submission" is translated; the rest are listed to act on.
    expect(issues.map((i) => i.value)).toEqual([
      'Active',
      'Initial Evaluation',
      'Final Evaluation',
      'Waiting Resubmission',
      'End',
    ])
    expect(issues[4]?.message).toBe(
      `BTEC_Classes.Class_Status has the option "End" (shown as "Completed"), which the map does not translate: records with it are INVALID (add it to class.status's values, or map it to null)`,
    )
    const bare = rows(['Name', 'autonumber'], ['Class_Name', 'text'], ['Class_Status', 'picklist'])
    expect(validateFieldMap(map, bare).skipped).toEqual([
      expect.objectContaining({ field: 'status', check: 'picklist-values' }),
    ])
  })

  it('reports a currency field whose options are not currency codes, and one of the wrong type', () => {
    const map = withFieldMap(defaultFieldMap, {
      modules: { student: { currencyField: 'Currency_of_transferred_amount' } },
    }).modules.student
    expect(validateFieldMap(map, realSchoolFields.BTEC_Students ?? []).issues).toEqual([
      expect.objectContaining({ field: 'currencyField', problem: 'unmapped-value', value: '$' }),
    ])
    const typed = withFieldMap(defaultFieldMap, { modules: { payment: { currencyField: 'Exchange_Rate' } } })
    expect(validateFieldMap(typed.modules.payment, realSchoolFields.BTEC_Payments ?? []).issues).toEqual([
      expect.objectContaining({ field: 'currencyField', zoho: 'Exchange_Rate', problem: 'wrong-type' }),
    ])
  })

  it('reports write-back fields of the wrong type or read-only', () => {
    const map = withFieldMap(defaultFieldMap, {
      modules: { payment: { writeBack: { synced: 'Payment_Date', syncedAt: 'Exchange_Rate' } } },
    }).modules.payment
    const metadata = (realSchoolFields.BTEC_Payments ?? []).map((f) =>
      f.api_name === 'Exchange_Rate' ? { ...f, data_type: 'datetime' } : f,
    )
    expect(validateFieldMap(map, metadata).issues.map((i) => [i.field, i.zoho, i.problem])).toEqual([
      ['writeBack.synced', 'Payment_Date', 'wrong-type'],
      ['writeBack.syncedAt', 'Exchange_Rate', 'read-only'],
    ])
  })
})

describe('validateFieldMaps and loadFieldMetadata', () => {
  it('validates each module against metadata fetched once per module, listing modules it has none for', async () => {
    const metadata = await loadFieldMetadata(createZohoClient(testConfig), {
      modules: {
        student: defaultFieldMap.modules.student,
        registration: defaultFieldMap.modules.registration,
      },
    } as typeof defaultFieldMap)
    expect(Object.keys(metadata._unsafeUnwrap()).sort()).toEqual(['BTEC_Registrations', 'BTEC_Students'])
    const report = validateFieldMaps(defaultFieldMap, metadata._unsafeUnwrap())
    expect(report.skipped.filter((s) => s.check === 'module').map((s) => s.module)).toEqual([
      'BTEC_Teachers',
      'Products',
      'BTEC',
      'BTEC_Classes',
      'BTEC_Enrollments',
      'BTEC_Payments',
      'BTEC_Grades',
      'BTEC_Student_Requests',
    ])
  })

  it('fails the load when a module does not exist', async () => {
    const map = withFieldMap(defaultFieldMap, { modules: { teacher: { module: 'Nope' } } })
    const result = await loadFieldMetadata(createZohoClient(testConfig), map)
    expect(result._unsafeUnwrapErr().reason).toBe('NotFound')
  })
})
