import {
  classStatusValues,
  enrollmentTypeValues,
  gradeLetterValues,
  registrationStatusValues,
  requestStatusValues,
  studentStatusValues,
} from './picklists.ts'
import type { FieldMap, FieldSpec, ModuleMap, WriteBackFields } from './types.ts'

const id: FieldSpec = { zoho: 'id', kind: 'id' }
const text = (zoho: string): FieldSpec => ({ zoho, kind: 'text' })
// Autonumber record codes: read them, never write them.
const autonumber = (zoho: string): FieldSpec => ({ zoho, kind: 'text', readOnly: true })
const date = (zoho: string): FieldSpec => ({ zoho, kind: 'date' })
const lookup = (zoho: string, lookupModule: string): FieldSpec => ({ zoho, kind: 'lookup', lookupModule })
const picklist = (zoho: string, values: Readonly<Record<string, string | null>>): FieldSpec => ({
  zoho,
  kind: 'picklist',
  values,
})

// The four modules that have both sync-tracking fields (BTEC has only Last_Sync_with_Moodle).
const syncTracking: WriteBackFields = { synced: 'Synced_to_Moodle', syncedAt: 'Last_Sync_Date' }

const criteriaCodes = [
  ...Array.from({ length: 10 }, (_, i) => `P${i + 1}`),
  ...Array.from({ length: 9 }, (_, i) => `M${i + 1}`),
  ...Array.from({ length: 6 }, (_, i) => `D${i + 1}`),
]

const student: ModuleMap = {
  module: 'BTEC_Students',
  entity: 'student',
  currencyField: 'Currency',
  writeBack: { ...syncTracking, moodleId: 'Student_Moodle_ID' },
  fields: {
    id,
    code: autonumber('Name'),
    firstName: text('First_Name'),
    lastName: text('Last_Name'),
    displayName: text('Display_Name'),
    email: text('Email'),
    academicEmail: text('Academic_Email'),
    phone: text('Phone_Number'),
    birthDate: date('Birth_Date'),
    gender: text('Gender'),
    nationality: text('Nationality'),
    nationalNumber: text('National_Number'),
    address: text('Address'),
    city: text('City'),
    country: text('Country'),
    status: picklist('Status', studentStatusValues),
    programId: lookup('Program', 'Products'),
    studyMode: text('Study_Mode'),
    currency: text('Currency'),
  },
}

const teacher: ModuleMap = {
  module: 'BTEC_Teachers',
  entity: 'teacher',
  writeBack: { moodleId: 'Teacher_Moodle_ID' },
  fields: {
    id,
    name: text('Name'),
    email: text('Email'),
    academicEmail: text('Academic_Email'),
    phone: text('Phone_Number'),
  },
}

const program: ModuleMap = {
  module: 'Products',
  entity: 'program',
  // The school's Products has no Currency field: prices are in the tenant's default currency.
  writeBack: { moodleId: 'MoodleID' },
  fields: {
    id,
    code: autonumber('Program_ID'),
    name: text('Product_Name'),
    price: { zoho: 'Program_Price', kind: 'money' },
    unitPrice: { zoho: 'Unit_Price', kind: 'money' },
    status: text('Status'),
    type: text('Program_Type'),
    major: text('Program_Major'),
    subMajor: text('Program_Sub_Major'),
  },
}

const unit: ModuleMap = {
  module: 'BTEC',
  entity: 'unit',
  writeBack: { syncedAt: 'Last_Sync_with_Moodle' },
  fields: {
    id,
    name: text('Name'),
    code: text('Unit_Code'),
    number: text('Unit_Number'),
    credit: text('Unit_Credit'),
    level: text('Unit_Level'),
    major: text('Unit_Major'),
    serviceType: text('Service_Type'),
    programId: lookup('Program', 'Products'),
    criteria: {
      zoho: 'P1_description',
      kind: 'criteria',
      criteria: Object.fromEntries(criteriaCodes.map((code) => [code, `${code}_description`])),
    },
    gradingTemplate: text('Moodle_Grading_Template'),
  },
}

const schoolClass: ModuleMap = {
  module: 'BTEC_Classes',
  entity: 'class',
  writeBack: { moodleId: 'Moodle_Class_ID' },
  fields: {
    id,
    code: autonumber('Name'),
    name: text('Class_Name'),
    shortName: text('Class_Short_Name'),
    unitId: lookup('Unit', 'BTEC'),
    programId: lookup('BTEC_Program', 'Products'),
    teacherId: lookup('Teacher', 'BTEC_Teachers'),
    status: picklist('Class_Status', classStatusValues),
    startDate: date('Start_Date'),
    endDate: date('End_Date'),
    term: text('Term'),
    year: { zoho: 'Year', kind: 'text', zohoTypes: ['text', 'picklist', 'integer'] },
    studyMode: text('Class_Study_Mode'),
  },
}

const enrollment: ModuleMap = {
  module: 'BTEC_Enrollments',
  entity: 'enrollment',
  writeBack: syncTracking,
  fields: {
    id,
    code: autonumber('Name'),
    studentId: lookup('Enrolled_Students', 'BTEC_Students'),
    classId: lookup('Classes', 'BTEC_Classes'),
    startDate: date('Start_Date'),
    endDate: date('End_Date'),
    type: picklist('Enrollment_Type', enrollmentTypeValues),
  },
}

const registration: ModuleMap = {
  module: 'BTEC_Registrations',
  entity: 'registration',
  // Per-record currency (USD, TRY, EUR, GBP): Program_Price, Remaining_Amount and the schedule's amounts.
  currencyField: 'Currency',
  writeBack: syncTracking,
  fields: {
    id,
    code: autonumber('Name'),
    studentId: lookup('Student_ID', 'BTEC_Students'),
    programId: lookup('Program', 'Products'),
    registrationDate: date('Registration_Date'),
    status: picklist('Registration_Status', registrationStatusValues),
    programPrice: { zoho: 'Program_Price', kind: 'money' },
    remainingAmount: { zoho: 'Remaining_Amount', kind: 'money' },
    discount: { zoho: 'Discount', kind: 'boolean' },
    discountPercent: { zoho: 'Discount_Percentage', kind: 'number' },
    studyMode: text('Study_Mode'),
    studyLanguage: text('Study_Language'),
    intake: text('Intake'),
    registrationNumber: text('BTEC_Reg_No'),
    paymentSchedule: {
      zoho: 'Payment_Schedule',
      kind: 'subform',
      rows: {
        number: { zoho: 'Installment_No', kind: 'integer' },
        dueDate: date('Due_Date'),
        amount: { zoho: 'Installment_Amount', kind: 'money' },
        status: text('Installment_Status'),
        paidDate: date('Paid_Date'),
      },
    },
  },
}

const payment: ModuleMap = {
  module: 'BTEC_Payments',
  entity: 'payment',
  currencyField: 'Currency',
  writeBack: syncTracking,
  fields: {
    id,
    code: autonumber('Name'),
    registrationId: lookup('Registration_ID', 'BTEC_Registrations'),
    studentId: lookup('Student_ID', 'BTEC_Students'),
    amount: { zoho: 'Payment_Amount', kind: 'money' },
    paymentDate: date('Payment_Date'),
    method: text('Payment_Method'),
    type: text('Payment_Type'),
    installmentNumber: { zoho: 'Installment_No', kind: 'integer' },
    voucherNumber: text('SRM_Voucher_Number'),
    note: text('Note'),
  },
}

const grade: ModuleMap = {
  module: 'BTEC_Grades',
  entity: 'grade',
  writeBack: { moodleId: 'Moodle_Grade_ID' },
  fields: {
    id,
    code: autonumber('Name'),
    studentId: lookup('Student', 'BTEC_Students'),
    classId: lookup('Class', 'BTEC_Classes'),
    unitCode: text('BTEC_Unit'),
    grade: picklist('Grade', gradeLetterValues),
    status: text('Grade_Status'),
    attemptNumber: { zoho: 'Attempt_Number', kind: 'integer' },
    attemptDate: date('Attempt_Date'),
    feedback: text('Feedback'),
    graderName: text('Grader_Name'),
    internalVerifierName: text('IV_Name'),
    compositeKey: text('Moodle_Grade_Composite_Key'),
    learningOutcomes: {
      zoho: 'Learning_Outcomes_Assessm',
      kind: 'subform',
      rows: {
        code: text('LO_Code'),
        title: text('LO_Title'),
        definition: text('LO_Definition'),
        score: { zoho: 'LO_Score', kind: 'number' },
        feedback: text('LO_Feedback'),
      },
    },
  },
}

const request: ModuleMap = {
  module: 'BTEC_Student_Requests',
  entity: 'request',
  // The module's Moodle_User_ID is the student's Moodle user (for photo approval), not an id of the
  // request, and it has no sync-tracking fields: no write-back.
  fields: {
    id,
    code: text('Name'),
    studentId: lookup('Student', 'BTEC_Students'),
    type: text('Request_Type'),
    description: text('Reason'),
    status: picklist('Status', requestStatusValues),
    // A datetime (`2026-01-14T10:30:00+03:00`), read as text; core's instant rule checks and normalises it.
    requestDate: { zoho: 'Request_Date', kind: 'text', zohoTypes: ['datetime'] },
  },
}

/**
 * The shipped field map: the real BTEC school schema (`zoho-btec-schema.md`, from a `/settings/fields`
 * export). Programs live in `Products`, units in the module literally named `BTEC`. Registrations and
 * payments are read in each record's own `Currency`; program prices (Products has no currency field) need
 * a default: `withFieldMap(defaultFieldMap, { defaultCurrency: 'USD' })`. Write-back touches only the
 * fields each module has (`Synced_to_Moodle`/`Last_Sync_Date` in four modules, `Last_Sync_with_Moodle` in
 * `BTEC`, Moodle id fields elsewhere).
 */
export const defaultFieldMap: FieldMap = {
  modules: {
    student,
    teacher,
    program,
    unit,
    class: schoolClass,
    enrollment,
    registration,
    payment,
    grade,
    request,
  },
}
