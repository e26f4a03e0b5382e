import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { realSchoolFields } from '../__fixtures__/real-school.ts'
import { classRecord, gradeRecord, programRecord, registrationRecord } from '../__fixtures__/records.ts'
import { readZohoRecord } from '../readers/read-record.ts'
import { defaultFieldMap } from './default-field-map.ts'
import { compileOptionNormalizer, compilePicklist, UNMAPPED } from './picklist-translation.ts'
import { classStatusValues, gradeLetterValues } from './picklists.ts'
import { withFieldMap } from './with-field-map.ts'
import { withFieldMetadata } from './with-field-metadata.ts'

const usd = withFieldMap(defaultFieldMap, { defaultCurrency: 'USD' })
const school = withFieldMetadata(usd, realSchoolFields)

describe('compilePicklist', () => {
  const renamed = [
    { display: 'Waiting Assessment', actual: 'Waiting Submission' },
    { display: 'Completed', actual: 'End' },
    { display: 'Brand New', actual: 'Brand New' },
  ]

  it('reads the label of a renamed option like its stored value, and lists options nothing translates', () => {
    const picklist = compilePicklist(classStatusValues, renamed)
    expect(picklist.translate('Waiting Assessment')).toBe('waiting-submission')
    expect(picklist.translate('completed')).toBe('ended')
    expect(picklist.translate('End')).toBe('ended')
    expect(picklist.translate('Brand New')).toBe(UNMAPPED)
    expect(picklist.unmapped).toEqual([{ display: 'Brand New', actual: 'Brand New' }])
  })

  it('resolves an option through a table keyed by its label', () => {
    const picklist = compilePicklist({ Completed: 'done' }, renamed)
    expect([picklist.translate('End'), picklist.translate('Completed')]).toEqual(['done', 'done'])
  })

  it('lets a stored value win over an option label that spells it', () => {
    // "B" is stored for one option and the label of another.
    const picklist = compilePicklist({ A: 'a', B: 'b' }, [
      { display: 'B', actual: 'A' },
      { display: 'Bee', actual: 'B' },
    ])
    expect([picklist.translate('B'), picklist.translate('Bee'), picklist.translate('A')]).toEqual([
      'b',
      'b',
      'a',
    ])
  })

  it('maps a value to null, and never lists -None- as unmapped', () => {
    const picklist = compilePicklist(gradeLetterValues, [
      { display: '-None-', actual: '-None-' },
      { display: 'Mapped', actual: 'Mapped' },
    ])
    expect(picklist.translate('Mapped')).toBeNull()
    expect(picklist.unmapped).toEqual([])
  })

  it('translates an option the same by label and by stored value, whatever the labels', () => {
    const option = fc.record({
      display: fc.string({ minLength: 1, maxLength: 8 }),
      actual: fc.string({ minLength: 1, maxLength: 8 }),
    })
    fc.assert(
      fc.property(
        fc
          .uniqueArray(option, { selector: (o) => o.actual, maxLength: 6 })
          // Zoho keeps the labels of one picklist distinct too.
          .filter((list) => new Set(list.map((o) => o.display)).size === list.length),
        (options) => {
          const values = Object.fromEntries(options.map((o, i) => [o.actual, `c${i}`]))
          const picklist = compilePicklist(values, options)
          const stored = new Set(options.map((o) => o.actual))
          for (const o of options) {
            if (o.actual === '-None-') continue
            expect(picklist.translate(o.actual)).toBe(values[o.actual])
            // A label that is some option's stored value reads as that option (stored values win).
            if (!stored.has(o.display)) expect(picklist.translate(o.display)).toBe(values[o.actual])
          }
          expect(picklist.unmapped).toEqual([])
        },
      ),
    )
  })
})

describe('compileOptionNormalizer', () => {
  const options = [
    { display: 'Disbaled', actual: 'Approved' },
    { display: 'Level 3', actual: 'fds' },
    { display: 'MBA', actual: 'MBA' },
  ]

  it('keeps the stored value by default and the label on request', () => {
    const stored = compileOptionNormalizer(options)
    const label = compileOptionNormalizer(options, 'label')
    expect(['Disbaled', 'Approved', 'Level 3', 'MBA', 'other'].map((v) => stored?.(v))).toEqual([
      'Approved',
      'Approved',
      'fds',
      'MBA',
      'other',
    ])
    expect(['Disbaled', 'Approved', 'fds'].map((v) => label?.(v))).toEqual([
      'Disbaled',
      'Disbaled',
      'Level 3',
    ])
  })

  it('is not needed when no option was renamed', () => {
    expect(compileOptionNormalizer([{ display: 'A', actual: 'A' }])).toBeUndefined()
  })
})

describe('readers with the tenant metadata', () => {
  it('read renamed class statuses by label only once the metadata is given', () => {
    for (const [label, status] of [
      ['Waiting Assessment', 'waiting-submission'],
      ['Waiting Reassessment', 'waiting-resubmission'],
      ['Completed', 'ended'],
    ]) {
      expect(
        readZohoRecord('class', { ...classRecord, Class_Status: label }, school)._unsafeUnwrap().status,
      ).toBe(status)
    }
    expect(
      readZohoRecord('class', { ...classRecord, Class_Status: 'Completed' }, usd)._unsafeUnwrapErr().issues,
    ).toEqual([expect.objectContaining({ path: 'Class_Status', rule: 'picklist', received: 'Completed' })])
  })

  it('read a text-read picklist as its stored value, or its label when the map says so', () => {
    const record = { ...programRecord, Status: 'Disbaled', Program_Type: 'fds' }
    expect(readZohoRecord('program', record, school)._unsafeUnwrap()).toMatchObject({
      status: 'Approved',
      type: 'fds',
    })
    const labels = withFieldMetadata(
      withFieldMap(usd, { modules: { program: { fields: { type: { optionForm: 'label' } } } } }),
      realSchoolFields,
    )
    expect(readZohoRecord('program', record, labels)._unsafeUnwrap().type).toBe('Level 3')
  })

  it('send a grade value where the tenant decides, and explain an option the map leaves out', () => {
    expect(
      readZohoRecord('grade', { ...gradeRecord, Grade: 'Mapped' }, school)._unsafeUnwrap().grade,
    ).toBeNull()
    const pass = withFieldMap(usd, {
      modules: { grade: { fields: { grade: { values: { ...gradeLetterValues, Mapped: 'P' } } } } },
    })
    expect(readZohoRecord('grade', { ...gradeRecord, Grade: 'Mapped' }, pass)._unsafeUnwrap().grade).toBe('P')
    const { Mapped: _, ...letters } = gradeLetterValues
    const strict = withFieldMetadata(
      withFieldMap(usd, { modules: { grade: { fields: { grade: { values: letters } } } } }),
      realSchoolFields,
    )
    expect(
      readZohoRecord('grade', { ...gradeRecord, Grade: 'Mapped' }, strict)._unsafeUnwrapErr().issues,
    ).toEqual([
      {
        path: 'Grade',
        rule: 'picklist',
        message:
          '"Mapped" is an option of Grade the field map does not translate (add it to the field\'s values, or map it to null)',
        received: 'Mapped',
      },
    ])
  })

  it('normalise a subform row picklist read as text when the row metadata is given', () => {
    const rows = [
      {
        api_name: 'Installment_Status',
        data_type: 'picklist',
        pick_list_values: [{ display_value: 'Settled', actual_value: 'Paid' }],
      },
    ]
    const map = withFieldMetadata(usd, realSchoolFields, { subforms: { Payment_Schedule: rows } })
    const record = {
      ...registrationRecord,
      Payment_Schedule: [
        { Installment_No: 1, Due_Date: '2024-10-01', Installment_Amount: 10, Installment_Status: 'Settled' },
      ],
    }
    expect(readZohoRecord('registration', record, map)._unsafeUnwrap().paymentSchedule?.[0]?.status).toBe(
      'Paid',
    )
    expect(readZohoRecord('registration', record, usd)._unsafeUnwrap().paymentSchedule?.[0]?.status).toBe(
      'Settled',
    )
  })

  it('leave modules without metadata and the given map unchanged', () => {
    const partial = withFieldMetadata(usd, { BTEC_Classes: realSchoolFields.BTEC_Classes ?? [] })
    expect(partial.modules.grade).toBe(usd.modules.grade)
    expect(partial.modules.class.fields.status?.options).toHaveLength(8)
    expect(usd.modules.class.fields.status?.options).toBeUndefined()
  })
})
