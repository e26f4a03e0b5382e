/**
 * Zoho records shaped like the real BTEC school's CRM (zoho-btec-schema.md): 19-digit string ids,
 * `{name, id}` lookups, money text, picklist drift, `$` system keys, offsets on datetimes.
 */

export const IDS = {
  program: '4876876000001100001',
  student: '4876876000004400001',
  registration: '4876876000006600001',
  payment: '4876876000007700001',
} as const

const system = {
  Owner: { name: 'Registrar', id: '4876876000000300001', email: 'registrar@example.edu' },
  Created_By: { name: 'Registrar', id: '4876876000000300001', email: 'registrar@example.edu' },
  $approval: { delegate: false, approve: false, reject: false, resubmit: false },
  $state: 'save',
  $editable: true,
  $currency_symbol: '$',
} as const

export function zohoProgram(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: IDS.program,
    Product_Name: 'BTEC Level 5 HND in Business',
    Program_ID: 'PRG-0005',
    Program_Price: 4400,
    Unit_Price: 300,
    Currency: 'USD',
    Status: 'Approved',
    Program_Type: 'HND',
    Program_Major: 'Business',
    Program_Sub_Major: null,
    MoodleID: '12',
    Modified_Time: '2026-01-10T10:00:00+03:00',
    ...system,
    ...overrides,
  }
}

export function zohoStudent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: IDS.student,
    Name: 'A01B3011C',
    First_Name: 'Ayşe',
    Last_Name: 'Yılmaz',
    Display_Name: 'Ayşe Yılmaz',
    Email: 'ayse.yilmaz@example.com',
    Academic_Email: 'a.yilmaz@students.example.edu',
    Phone_Number: '+90 532 000 00 00',
    Birth_Date: '2004-03-09',
    Gender: 'Female',
    Status: 'Active',
    Program: { name: 'BTEC Level 5 HND in Business', id: IDS.program },
    Study_Mode: 'Online',
    Currency: 'USD',
    Student_Moodle_ID: null,
    Synced_to_Moodle: false,
    Modified_Time: '2026-01-12T09:00:00+03:00',
    ...system,
    ...overrides,
  }
}

export function zohoRegistration(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: IDS.registration,
    Name: 'REG-000123',
    Student_ID: { name: 'A01B3011C', id: IDS.student },
    Program: { name: 'BTEC Level 5 HND in Business', id: IDS.program },
    Registration_Date: '2026-01-15',
    Registration_Status: 'Active',
    Program_Price: '4400$',
    Remaining_Amount: '2,200.00 USD',
    Discount: false,
    Discount_Percentage: null,
    Study_Mode: 'Online',
    Study_Language: 'English',
    BTEC_Reg_No: 'BTEC-2026-0042',
    Intake: 'January 2026',
    Currency: 'USD',
    Exchange_Rate: 1,
    Payment_Schedule: [
      {
        id: '4876876000006600101',
        Installment_No: 1,
        Due_Date: '2026-02-01',
        Installment_Amount: '2200$',
        Installment_Status: 'Paid',
        Paid_Date: '2026-01-30',
      },
      {
        id: '4876876000006600102',
        Installment_No: 2,
        Due_Date: '2026-06-01',
        Installment_Amount: '2200$',
        Installment_Status: 'Pending',
        Paid_Date: null,
      },
    ],
    Created_Time: '2026-01-15T09:30:00+03:00',
    Modified_Time: '2026-01-15T09:30:00+03:00',
    ...system,
    ...overrides,
  }
}

export function zohoPayment(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: IDS.payment,
    Name: 'PAY-000077',
    Registration_ID: { name: 'REG-000123', id: IDS.registration },
    Student_ID: { name: 'A01B3011C', id: IDS.student },
    Payment_Amount: 2200,
    Payment_Date: '2026-01-30',
    Payment_Method: 'Bank Transfer',
    Payment_Type: 'Study Fees',
    Installment_No: 1,
    SRM_Voucher_Number: 'V-2026-0107',
    Note: null,
    Currency: 'USD',
    Exchange_Rate: 1,
    Modified_Time: '2026-01-30T14:05:00+03:00',
    ...system,
    ...overrides,
  }
}
