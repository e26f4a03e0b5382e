// The real school's field-metadata export (`/crm/v2/settings/fields`, February 2026; copied from
// shared/reference/zoho-fields-real-school.json) and one record per module carrying that school's own
// picklist values: renamed options by their label, `-None-`, per-record currencies.
import { readFileSync } from 'node:fs'
import type { ZohoField } from '../schemas/fields.ts'

/** The export as it is: `{ generated_at, base_url, modules: { <module>: fields[] }, errors }`. */
export const realSchoolExport = JSON.parse(
  readFileSync(new URL('./zoho-fields-real-school.json', import.meta.url), 'utf8'),
) as { readonly base_url: string; readonly modules: Record<string, ZohoField[]> }

/** Field metadata per module (v2 shape: `lookup.module` is a string). */
export const realSchoolFields = realSchoolExport.modules

const systemKeys = { $approval_state: 'approved', $editable: true, $currency_symbol: '₺', $state: 'save' }

/** One record per module as the school's CRM holds them. */
export const realSchoolRecords = {
  student: {
    ...systemKeys,
    id: '5398830000131000001',
    Name: 'A01B3011C',
    First_Name: 'Leyla',
    Last_Name: 'Aydın',
    Gender: '-None-',
    Nationality: 'Turkey',
    Country: '-None-',
    // The label of the stored "approved".
    Status: 'Approved',
    Study_Mode: 'Online',
    Program: { name: 'Level 5 HND in Business', id: '5398830000131000101' },
    Currency: 'TRY',
  },
  teacher: { ...systemKeys, id: '5398830000131000201', Name: 'Dr. Omar Haddad', Teacher_Moodle_ID: '214' },
  program: {
    ...systemKeys,
    id: '5398830000131000101',
    Product_Name: 'Level 5 HND in Business',
    Program_ID: 'PRG-0007',
    Program_Price: 4400,
    Unit_Price: null,
    // The school relabelled the stored "Approved" as "Disbaled" (sic), and "fds" as "Level 3".
    Status: 'Disbaled',
    Program_Type: 'Level 3',
    Program_Major: 'Business',
    Program_Sub_Major: '-None-',
  },
  unit: {
    ...systemKeys,
    id: '5398830000131000301',
    Name: 'Managing a Successful Business Project',
    Unit_Code: 'K/618/5035',
    Unit_Level: 'Level 5',
    // The label of the stored "L3".
    Unit_Major: 'Applied Science',
    Service_Type: '-None-',
    P1_description: 'Choose a project',
    P2_description: null,
    Last_Sync_with_Moodle: null,
  },
  class: {
    ...systemKeys,
    id: '5398830000131000401',
    Name: 'CLS-00231',
    Class_Name: 'Business Project (T2 2025)',
    Unit: { name: 'Managing a Successful Business Project', id: '5398830000131000301' },
    BTEC_Program: { name: 'Level 5 HND in Business', id: '5398830000131000101' },
    Teacher: { name: 'Dr. Omar Haddad', id: '5398830000131000201' },
    // The label of the stored "Waiting Submission".
    Class_Status: 'Waiting Assessment',
    Term: '-None-',
    Year: '2025',
    Class_Study_Mode: 'Online',
  },
  enrollment: {
    ...systemKeys,
    id: '5398830000131000501',
    Name: 'ENR-01200',
    Enrolled_Students: { name: 'A01B3011C', id: '5398830000131000001' },
    Classes: { name: 'CLS-00231', id: '5398830000131000401' },
    Enrollment_Type: '-None-',
    Synced_to_Moodle: false,
  },
  registration: {
    ...systemKeys,
    id: '5398830000131000601',
    Name: 'REG-00412',
    Student_ID: { name: 'A01B3011C', id: '5398830000131000001' },
    Program: { name: 'Level 5 HND in Business', id: '5398830000131000101' },
    Registration_Date: '2025-09-15',
    Registration_Status: 'Freeze',
    Program_Price: '150,000',
    Remaining_Amount: '45,000.50 TRY',
    Study_Mode: '-None-',
    Study_Language: 'Turkish',
    Currency: 'TRY',
    Exchange_Rate: 41.2,
    Payment_Schedule: [
      { id: '5398830000131000651', Installment_No: 1, Due_Date: '2025-10-01', Installment_Amount: 52500 },
    ],
  },
  payment: {
    ...systemKeys,
    id: '5398830000131000701',
    Name: 'PAY-00877',
    Registration_ID: { name: 'REG-00412', id: '5398830000131000601' },
    Student_ID: { name: 'A01B3011C', id: '5398830000131000001' },
    Payment_Amount: 1500,
    Payment_Date: '2025-09-28',
    // The label of the stored "Bank Transfer".
    Payment_Method: 'Bank',
    Payment_Type: 'Study Fees',
    Currency: 'TRY',
    Exchange_Rate: 41.2,
  },
  grade: {
    ...systemKeys,
    id: '5398830000131000801',
    Name: 'GRD-03310',
    Student: { name: 'A01B3011C', id: '5398830000131000001' },
    Class: { name: 'CLS-00231', id: '5398830000131000401' },
    Grade: 'Mapped',
    Grade_Status: '-None-',
    Moodle_Grade_Composite_Key: '214-88-1',
  },
  request: {
    ...systemKeys,
    id: '5398830000131000901',
    Name: 'Late submission - Unit 6',
    Student: { name: 'A01B3011C', id: '5398830000131000001' },
    Moodle_User_ID: '88',
    Academic_Email: 'l.aydin@students.example.edu',
    Request_Type: 'Late Submission',
    Reason: 'Hospitalised the week of the deadline.',
    // The layout's default option, next to a plain `Pending`.
    Status: 'Pending (Default)',
    Request_Date: '2026-01-14T10:30:00+03:00',
    Fees_Amount: null,
    Requested_Classes: [],
    Change_Information: [],
  },
} as const
