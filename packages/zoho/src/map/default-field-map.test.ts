import type { CanonicalEntityName } from '@edusync/core'
import { describe, expect, it } from 'vitest'
import { realSchoolFields, realSchoolRecords } from '../__fixtures__/real-school.ts'
import { readZohoRecord } from '../readers/read-record.ts'
import { ZOHO_NONE } from '../readers/zoho-none.ts'
import { defaultFieldMap } from './default-field-map.ts'
import { readFieldMetadata } from './field-metadata.ts'
import { compilePicklist, UNMAPPED } from './picklist-translation.ts'
import { gradeLetterValues } from './picklists.ts'
import type { FieldMap } from './types.ts'
import { validateFieldMaps } from './validate-field-maps.ts'
import { withFieldMap } from './with-field-map.ts'
import { withFieldMetadata } from './with-field-metadata.ts'

// The school's home currency (Products prices carry none of their own).
const usd = withFieldMap(defaultFieldMap, { defaultCurrency: 'USD' })
const school = withFieldMetadata(usd, realSchoolFields)
const entities = Object.keys(realSchoolRecords) as (keyof typeof realSchoolRecords & CanonicalEntityName)[]

const problems = (map: FieldMap) =>
  validateFieldMaps(map, realSchoolFields).issues.map((i) => [i.module, i.field, i.zoho, i.problem, i.value])

describe('defaultFieldMap against the real school export', () => {
  it('reports nothing wrong with a default currency, and lists the subform rows it could not check', () => {
    const report = validateFieldMaps(usd, realSchoolFields)
    expect(report.issues).toEqual([])
    expect(report.skipped.map((s) => [s.module, s.zoho, s.check])).toEqual([
      ['BTEC_Registrations', 'Payment_Schedule', 'subform-rows'],
      ['BTEC_Grades', 'Learning_Outcomes_Assessm', 'subform-rows'],
    ])
  })

  it('reports that program prices need a default currency when the map has none', () => {
    expect(problems(defaultFieldMap)).toEqual([
      ['Products', 'currencyField', 'Program_Price', 'no-currency', undefined],
    ])
  })

  // Issue 15: the map before the fix validated clean against this export, yet read TRY payments as USD,
  // rejected `Mapped` grades, and wrote sync fields to modules that lack them.
  it('reports each problem the map had before issue 15 was fixed', () => {
    const syncFields = { synced: 'Synced_to_Moodle', syncedAt: 'Last_Sync_Date' }
    const { Mapped: _, ...lettersOnly } = gradeLetterValues
    const before = withFieldMap(usd, {
      modules: {
        registration: { currencyField: null },
        payment: { currencyField: null },
        program: { currencyField: 'Currency', writeBack: { ...syncFields, moodleId: null } },
        teacher: { writeBack: { ...syncFields, moodleId: null } },
        unit: { writeBack: syncFields },
        class: { writeBack: { ...syncFields, moodleId: null } },
        grade: { writeBack: { ...syncFields, moodleId: null }, fields: { grade: { values: lettersOnly } } },
      },
    })
    expect(problems(before)).toEqual([
      ['BTEC_Teachers', 'writeBack.synced', 'Synced_to_Moodle', 'missing', undefined],
      ['BTEC_Teachers', 'writeBack.syncedAt', 'Last_Sync_Date', 'missing', undefined],
      ['Products', 'currencyField', 'Currency', 'missing', undefined],
      ['Products', 'writeBack.synced', 'Synced_to_Moodle', 'missing', undefined],
      ['Products', 'writeBack.syncedAt', 'Last_Sync_Date', 'missing', undefined],
      ['BTEC', 'writeBack.synced', 'Synced_to_Moodle', 'missing', undefined],
      ['BTEC', 'writeBack.syncedAt', 'Last_Sync_Date', 'missing', undefined],
      ['BTEC_Classes', 'writeBack.synced', 'Synced_to_Moodle', 'missing', undefined],
      ['BTEC_Classes', 'writeBack.syncedAt', 'Last_Sync_Date', 'missing', undefined],
      ['BTEC_Registrations', 'currencyField', 'Currency', 'currency-ignored', undefined],
      ['BTEC_Payments', 'currencyField', 'Currency', 'currency-ignored', undefined],
      ['BTEC_Grades', 'grade', 'Grade', 'unmapped-value', 'Mapped'],
      ['BTEC_Grades', 'writeBack.synced', 'Synced_to_Moodle', 'missing', undefined],
      ['BTEC_Grades', 'writeBack.syncedAt', 'Last_Sync_Date', 'missing', undefined],
    ])
    const ignored = validateFieldMaps(before, realSchoolFields).issues.find(
      (i) => i.module === 'BTEC_Payments',
    )
    expect(ignored?.message).toBe(
      "BTEC_Payments records carry their own Currency (USD, TRY, EUR, GBP), but the map reads Payment_Amount without it: amounts would be taken as the default currency whatever the record says (set currencyField: 'Currency')",
    )
  })

  it("reads a record of every module with the school's own picklist values", () => {
    const read = Object.fromEntries(
      entities.map((entity) => [
        entity,
        readZohoRecord(entity, realSchoolRecords[entity], school)._unsafeUnwrap(),
      ]),
    )
    expect(read.student).toMatchObject({ status: 'approved', gender: null, country: null, currency: 'TRY' })
    expect(read.program).toMatchObject({
      price: { minor: 440000, currency: 'USD' },
      status: 'Approved',
      type: 'fds',
      subMajor: null,
    })
    expect(read.unit).toMatchObject({ major: 'L3', serviceType: null })
    expect(read.class).toMatchObject({ status: 'waiting-submission', term: null })
    expect(read.enrollment).toMatchObject({ type: null })
    expect(read.registration).toMatchObject({
      status: 'frozen',
      programPrice: { minor: 15_000_000, currency: 'TRY' },
      remainingAmount: { minor: 4_500_050, currency: 'TRY' },
      studyMode: null,
      paymentSchedule: [expect.objectContaining({ amount: { minor: 5_250_000, currency: 'TRY' } })],
    })
    expect(read.payment).toMatchObject({
      amount: { minor: 150_000, currency: 'TRY' },
      method: 'Bank Transfer',
    })
    expect(read.grade).toMatchObject({ grade: null, status: null })
  })

  it('reads every picklist option of the export by its stored value and its label, or validation reports it', () => {
    const { Mapped: _, ...lettersOnly } = gradeLetterValues
    const maps = {
      shipped: usd,
      'without Mapped': withFieldMap(usd, {
        modules: { grade: { fields: { grade: { values: lettersOnly } } } },
      }),
    }
    for (const [name, base] of Object.entries(maps)) {
      const map = withFieldMetadata(base, realSchoolFields)
      const unmapped = new Set(
        validateFieldMaps(base, realSchoolFields)
          .issues.filter((i) => i.problem === 'unmapped-value')
          .map((i) => `${i.module}.${i.zoho}=${i.value}`),
      )
      // The sample grade is `Mapped`, which one of the maps does not read: vary one field of a record
      // every map reads.
      const neutral = (entity: (typeof entities)[number]) =>
        entity === 'grade' ? { ...realSchoolRecords.grade, Grade: 'D' } : realSchoolRecords[entity]
      let checked = 0
      for (const entity of entities) {
        const moduleMap = map.modules[entity]
        const meta = readFieldMetadata(realSchoolFields[moduleMap.module] ?? [])
        for (const [field, spec] of Object.entries(moduleMap.fields)) {
          const options = meta.get(spec.zoho)?.options
          if (!options || (spec.kind !== 'picklist' && spec.kind !== 'text')) continue
          for (const option of options) {
            for (const value of [option.actual, option.display]) {
              const result = readZohoRecord(entity, { ...neutral(entity), [spec.zoho]: value }, map)
              const where = `${name}: ${moduleMap.module}.${spec.zoho}=${value}`
              checked++
              if (option.actual === ZOHO_NONE) {
                // `-None-` is null; only a canonical field that is required may refuse it.
                if (result.isOk()) expect((result.value as Record<string, unknown>)[field], where).toBeNull()
                else
                  expect(
                    result.error.issues.map((i) => i.rule),
                    where,
                  ).not.toContain('picklist')
              } else if (unmapped.has(`${moduleMap.module}.${spec.zoho}=${option.actual}`)) {
                expect(result._unsafeUnwrapErr().issues, where).toEqual([
                  expect.objectContaining({ path: spec.zoho, rule: 'picklist', received: value }),
                ])
              } else {
                const expected =
                  spec.kind === 'text'
                    ? option.actual
                    : compilePicklist(spec.values ?? {}).translate(option.actual)
                expect(expected, where).not.toBe(UNMAPPED)
                expect((result._unsafeUnwrap() as Record<string, unknown>)[field], where).toEqual(expected)
              }
            }
          }
        }
      }
      expect(checked).toBeGreaterThan(1000)
    }
  })
})
