import { describe, expect, it } from 'vitest'
import {
  classRecord,
  enrollmentRecord,
  gradeRecord,
  paymentRecord,
  programRecord,
  registrationRecord,
  studentRecord,
  teacherRecord,
  unitRecord,
} from '../__fixtures__/records.ts'
import { defaultFieldMap } from '../map/default-field-map.ts'
import { withFieldMap } from '../map/with-field-map.ts'
import { readZohoRecord } from './read-record.ts'

const usd = withFieldMap(defaultFieldMap, { defaultCurrency: 'USD' })
const issuesOf = (result: { isErr(): boolean; _unsafeUnwrapErr(): { issues: readonly unknown[] } }) =>
  result._unsafeUnwrapErr().issues

describe('readZohoRecord: student', () => {
  it('reads a real-shaped record, ignoring $ keys and normalising Freeze -> frozen', () => {
    expect(readZohoRecord('student', studentRecord)._unsafeUnwrap()).toEqual({
      id: '6493490000001291001',
      code: 'A01B3011C',
      firstName: 'Leyla',
      lastName: 'Aydın',
      displayName: 'Leyla Aydın',
      email: 'leyla.aydin@example.com',
      academicEmail: 'l.aydin@students.example.edu',
      phone: '+90 532 000 11 22',
      birthDate: '2001-04-17',
      gender: 'Female',
      nationality: 'Turkish',
      nationalNumber: null,
      address: null,
      city: 'Istanbul',
      country: 'Türkiye',
      status: 'frozen',
      programId: '6493490000000812003',
      studyMode: 'Online',
      currency: 'USD',
    })
  })

  it('accepts the module name and picklist drift in case and separators', () => {
    for (const status of ['Freezed', 'FREEZE', 'approved-conditional', 'Approved Conditional', 'Withdraw']) {
      expect(readZohoRecord('BTEC_Students', { ...studentRecord, Status: status }).isOk()).toBe(true)
    }
  })

  it('reports every issue with the Zoho api_name and the received value', () => {
    const { First_Name: _, ...noFirstName } = studentRecord
    const result = readZohoRecord('student', {
      ...noFirstName,
      Status: 'Freezing',
      Email: 'not-an-email',
      Birth_Date: '17/04/2001',
      Program: { name: 'x' },
    })
    const error = result._unsafeUnwrapErr()
    expect(error.recordId).toBe('6493490000001291001')
    expect(error.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'Status', rule: 'picklist', received: 'Freezing' }),
        expect.objectContaining({ path: 'Program', rule: 'lookup', received: { name: 'x' } }),
        expect.objectContaining({ path: 'First_Name', rule: 'missing', received: undefined }),
        expect.objectContaining({ path: 'Email', received: 'not-an-email' }),
        expect.objectContaining({ path: 'Birth_Date', received: '17/04/2001' }),
      ]),
    )
    expect(error.issues).toHaveLength(5)
    expect(error.message).toContain('"Freezing" is not a known value of Status')
  })

  // Issue 8.3: `Email=""` made the student INVALID although the e-mail is optional.
  it('reads blank optional text, e-mail, phone, date and lookup fields as null', () => {
    const read = readZohoRecord('student', {
      ...studentRecord,
      Email: '',
      Academic_Email: '  ',
      Phone_Number: ' ',
      Birth_Date: '',
      Gender: '\t',
      Program: '',
    })
    expect(read._unsafeUnwrap()).toMatchObject({
      email: null,
      academicEmail: null,
      phone: null,
      birthDate: null,
      gender: null,
      programId: null,
    })
  })

  // Issue 8.4: text PostgreSQL cannot hold is INVALID for that record, named by its Zoho field.
  it('reports a NUL character or a lone surrogate by its Zoho field, the value escaped', () => {
    const error = readZohoRecord('student', {
      ...studentRecord,
      City: 'Istan\u0000bul',
      Last_Name: 'Ayd\uD800n',
    })._unsafeUnwrapErr()
    expect(error.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'City', rule: 'nul_character', received: 'Istan\\u0000bul' }),
        expect.objectContaining({ path: 'Last_Name', rule: 'lone_surrogate', received: 'Ayd\\ud800n' }),
      ]),
    )
    expect(error.issues).toHaveLength(2)
  })

  it('rejects a body that is not a record', () => {
    expect(issuesOf(readZohoRecord('student', ['x']))).toEqual([
      { path: '', rule: 'invalid_type', message: 'expected a BTEC_Students record object', received: ['x'] },
    ])
  })
})

describe('readZohoRecord: teacher, program, unit', () => {
  it('reads a teacher', () => {
    expect(readZohoRecord('teacher', teacherRecord)._unsafeUnwrap()).toEqual({
      id: '6493490000002104017',
      name: 'Dr. Omar Haddad',
      email: 'omar.haddad@example.com',
      academicEmail: null,
      phone: null,
    })
  })

  it('reports a teacher without a name', () => {
    expect(issuesOf(readZohoRecord('teacher', { ...teacherRecord, Name: '  ' }))).toEqual([
      expect.objectContaining({ path: 'Name', rule: 'too_small', received: '  ' }),
    ])
  })

  it('reads a program with currency numbers in the tenant default currency (Products has no currency field)', () => {
    expect(readZohoRecord('Products', programRecord, usd)._unsafeUnwrap()).toMatchObject({
      id: '6493490000000812003',
      code: 'PRG-0007',
      name: 'Level 5 HND in Business',
      price: { minor: 440050, currency: 'USD' },
      unitPrice: { minor: 440000, currency: 'USD' },
      status: 'Approved',
    })
    // A Currency key the map does not name changes nothing.
    expect(
      readZohoRecord('program', { ...programRecord, Currency: 'TRY' }, usd)._unsafeUnwrap().price,
    ).toEqual({ minor: 440050, currency: 'USD' })
  })

  it('reports a currency number when no currency is known, and too many decimals', () => {
    const issues = issuesOf(readZohoRecord('program', { ...programRecord, Unit_Price: 10.125 }))
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'Program_Price',
        rule: 'money',
        message: expect.stringContaining('no currency'),
      }),
      expect.objectContaining({
        path: 'Unit_Price',
        rule: 'money',
        message: expect.stringContaining('no currency'),
      }),
    ])
    expect(issuesOf(readZohoRecord('program', { ...programRecord, Unit_Price: 10.125 }, usd))).toEqual([
      expect.objectContaining({
        path: 'Unit_Price',
        message: expect.stringContaining('more decimals than USD'),
      }),
    ])
  })

  it('reads a unit with its criteria, skipping empty ones', () => {
    expect(readZohoRecord('BTEC', unitRecord)._unsafeUnwrap()).toMatchObject({
      id: '6493490000003001101',
      name: 'Managing a Successful Business Project',
      code: 'K/618/5035',
      level: 'Level 5',
      programId: '6493490000000812003',
      criteria: [
        { code: 'P1', description: 'Explore the features of a business project' },
        { code: 'P2', description: 'Produce a project management plan' },
        { code: 'M1', description: 'Evaluate the project management process' },
      ],
      gradingTemplate: 'btec-3-criteria',
    })
  })

  it('reports a criterion that is not text', () => {
    expect(issuesOf(readZohoRecord('unit', { ...unitRecord, P2_description: 7 }))).toEqual([
      expect.objectContaining({ path: 'P2_description', rule: 'criteria', received: 7 }),
    ])
  })
})

describe('readZohoRecord: class, enrollment', () => {
  it('reads a class', () => {
    expect(readZohoRecord('class', classRecord)._unsafeUnwrap()).toEqual({
      id: '6493490000004001201',
      code: 'CLS-00231',
      name: 'Business Project T2 2025',
      shortName: 'BP-T2-25',
      unitId: '6493490000003001101',
      programId: '6493490000000812003',
      teacherId: '6493490000002104017',
      status: 'waiting-resubmission',
      startDate: '2025-02-01',
      endDate: '2025-05-30',
      term: 'T2',
      year: '2025',
      studyMode: 'Online',
    })
  })

  it('accepts bare id strings in lookups and a numeric Year', () => {
    const read = readZohoRecord('class', {
      ...classRecord,
      Teacher: '6493490000002104017',
      Year: 2025,
    })._unsafeUnwrap()
    expect(read.teacherId).toBe('6493490000002104017')
    expect(read.year).toBe('2025')
  })

  it('reports a class with a null Class_Name and an unknown status', () => {
    expect(
      issuesOf(readZohoRecord('class', { ...classRecord, Class_Name: null, Class_Status: 'Archived' })),
    ).toEqual([
      expect.objectContaining({ path: 'Class_Status', rule: 'picklist', received: 'Archived' }),
      expect.objectContaining({ path: 'Class_Name', received: null }),
    ])
  })

  it('reads an enrollment', () => {
    expect(readZohoRecord('enrollment', enrollmentRecord)._unsafeUnwrap()).toEqual({
      id: '6493490000005001301',
      code: 'ENR-01022',
      studentId: '6493490000001291001',
      classId: '6493490000004001201',
      startDate: '2025-02-01',
      endDate: null,
      type: 'self-study',
    })
  })

  it('reports an enrollment whose required lookups are empty', () => {
    expect(
      issuesOf(readZohoRecord('enrollment', { ...enrollmentRecord, Enrolled_Students: null, Classes: null })),
    ).toEqual([
      expect.objectContaining({ path: 'Enrolled_Students', received: null }),
      expect.objectContaining({ path: 'Classes', received: null }),
    ])
  })
})

describe('readZohoRecord: registration', () => {
  it('reads money text, the percentage text and the payment schedule', () => {
    expect(readZohoRecord('registration', registrationRecord, usd)._unsafeUnwrap()).toEqual({
      id: '6493490000006001401',
      code: 'REG-00412',
      studentId: '6493490000001291001',
      programId: '6493490000000812003',
      registrationDate: '2024-09-15',
      status: 'frozen',
      programPrice: { minor: 440000, currency: 'USD' },
      remainingAmount: { minor: 150050, currency: 'USD' },
      discount: true,
      discountPercent: 10,
      studyMode: 'Online',
      studyLanguage: 'English',
      intake: 'September 2024',
      registrationNumber: 'BT-2024-0412',
      paymentSchedule: [
        {
          number: 1,
          dueDate: '2024-10-01',
          amount: { minor: 145000, currency: 'USD' },
          status: 'Paid',
          paidDate: '2024-09-28',
        },
        {
          number: 2,
          dueDate: '2025-01-01',
          amount: { minor: 150050, currency: 'USD' },
          status: 'Pending',
          paidDate: null,
        },
      ],
    })
  })

  it('reads blank subform dates and text as null (issue 8.3)', () => {
    const rows = [{ ...registrationRecord.Payment_Schedule[1], Paid_Date: ' ', Installment_Status: '' }]
    const read = readZohoRecord('registration', { ...registrationRecord, Payment_Schedule: rows }, usd)
    expect(read._unsafeUnwrap().paymentSchedule?.[0]).toMatchObject({ paidDate: null, status: null })
  })

  it('reports subform rows by Zoho path', () => {
    const rows = [
      { ...registrationRecord.Payment_Schedule[0], Due_Date: null },
      { ...registrationRecord.Payment_Schedule[1], Installment_Amount: '1.500,50 €' },
    ]
    const issues = issuesOf(
      readZohoRecord('registration', { ...registrationRecord, Payment_Schedule: rows }, usd),
    )
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'Payment_Schedule.1.Installment_Amount',
        rule: 'money',
        received: '1.500,50 €',
      }),
    ])
    const dates = issuesOf(
      readZohoRecord('registration', { ...registrationRecord, Payment_Schedule: [rows[0]] }, usd),
    )
    expect(dates).toEqual([expect.objectContaining({ path: 'Payment_Schedule.0.Due_Date', received: null })])
  })

  it('reports a missing Registration_Date and unreadable money text', () => {
    const { Registration_Date: _, ...rest } = registrationRecord
    expect(
      issuesOf(readZohoRecord('registration', { ...rest, Program_Price: 'four thousand' }, usd)),
    ).toEqual([
      expect.objectContaining({ path: 'Program_Price', rule: 'money', received: 'four thousand' }),
      expect.objectContaining({ path: 'Registration_Date', rule: 'missing' }),
    ])
  })
})

describe('readZohoRecord: payment, grade', () => {
  it('reads a payment', () => {
    expect(readZohoRecord('payment', paymentRecord, usd)._unsafeUnwrap()).toEqual({
      id: '6493490000007001601',
      code: 'PAY-00877',
      registrationId: '6493490000006001401',
      studentId: '6493490000001291001',
      amount: { minor: 145000, currency: 'USD' },
      paymentDate: '2024-09-28',
      method: 'Bank Transfer',
      type: 'Study Fees',
      installmentNumber: 1,
      voucherNumber: 'SRM-2024-1182',
      note: null,
    })
  })

  it('reports a payment with a null amount and a fractional instalment', () => {
    expect(
      issuesOf(
        readZohoRecord('payment', { ...paymentRecord, Payment_Amount: null, Installment_No: 1.5 }, usd),
      ),
    ).toEqual([
      expect.objectContaining({ path: 'Payment_Amount', received: null }),
      expect.objectContaining({ path: 'Installment_No', received: 1.5 }),
    ])
  })

  // Issue 8.1: a Payment_Amount of "-500$" was read as a payment of -500 USD and stored.
  it.each(['-500$', '$ -1,500.50', '-500 USD', '0$'])(
    'reports a Payment_Amount of %j as INVALID, naming the field, rule and value',
    (amount) => {
      const error = readZohoRecord(
        'payment',
        { ...paymentRecord, Payment_Amount: amount },
        usd,
      )._unsafeUnwrapErr()
      expect(error.issues).toEqual([
        expect.objectContaining({ path: 'Payment_Amount', rule: 'positive_amount', received: amount }),
      ])
      expect(error.message).toContain(`Payment_Amount: expected an amount greater than zero`)
    },
  )

  it('reads a grade with its learning outcomes', () => {
    expect(readZohoRecord('grade', gradeRecord)._unsafeUnwrap()).toEqual({
      id: '6493490000008001701',
      code: 'GRD-03310',
      studentId: '6493490000001291001',
      classId: '6493490000004001201',
      unitCode: 'K/618/5035',
      grade: 'M',
      status: 'Released',
      attemptNumber: 1,
      attemptDate: '2025-05-02',
      feedback: 'Good evaluation of the process.',
      graderName: 'Dr. Omar Haddad',
      internalVerifierName: null,
      compositeKey: '214-88-1',
      learningOutcomes: [
        { code: 'LO1', title: 'Establish project aims', definition: null, score: 3, feedback: 'Clear aims' },
      ],
    })
  })

  // Issue 8.2: an LO_Score of 150 was stored.
  it.each([150, '150', -5])(
    'reports an LO_Score of %j outside the 0-4 scale by its subform path',
    (score) => {
      const lo = [{ ...gradeRecord.Learning_Outcomes_Assessm[0], LO_Score: score }]
      const error = readZohoRecord('grade', {
        ...gradeRecord,
        Learning_Outcomes_Assessm: lo,
      })._unsafeUnwrapErr()
      expect(error.issues).toEqual([
        {
          path: 'Learning_Outcomes_Assessm.0.LO_Score',
          rule: 'score_range',
          message: 'expected a learning-outcome score from 0 to 4 (the BTEC scale)',
          received: score,
        },
      ])
    },
  )

  it('reports a grade letter outside the picklist and an over-long LO title', () => {
    const lo = [{ ...gradeRecord.Learning_Outcomes_Assessm[0], LO_Title: 'x'.repeat(101) }]
    expect(
      issuesOf(readZohoRecord('grade', { ...gradeRecord, Grade: 'A+', Learning_Outcomes_Assessm: lo })),
    ).toEqual([
      expect.objectContaining({ path: 'Grade', rule: 'picklist', received: 'A+' }),
      expect.objectContaining({ path: 'Learning_Outcomes_Assessm.0.LO_Title', rule: 'too_big' }),
    ])
  })
})

describe('field map overrides', () => {
  it('reads renamed modules and fields', () => {
    const map = withFieldMap(defaultFieldMap, {
      modules: { teacher: { module: 'Instructors', fields: { name: 'Full_Name', phone: null } } },
    })
    const read = readZohoRecord('Instructors', { id: '1', Full_Name: 'Ada', Phone_Number: '123' }, map)
    expect(read._unsafeUnwrap()).toEqual({ id: '1', name: 'Ada' })
  })

  it('reports a required canonical field the map does not read', () => {
    const map = withFieldMap(defaultFieldMap, { modules: { teacher: { fields: { name: null } } } })
    expect(issuesOf(readZohoRecord('teacher', teacherRecord, map))).toEqual([
      expect.objectContaining({
        path: 'name',
        rule: 'missing',
        message: expect.stringContaining('no Zoho field for teacher.name'),
      }),
    ])
  })

  it('throws for an unknown module (a programmer error)', () => {
    expect(() => readZohoRecord('Leads', {})).toThrow(/no field map for "Leads"/)
  })
})
