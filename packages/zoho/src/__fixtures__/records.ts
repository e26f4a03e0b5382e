// Records shaped like real Zoho CRM v8 answers for the BTEC school schema (zoho-btec-schema.md):
// 19-digit string ids, {name,id} lookups, `$` system keys, nulls, offsets on datetimes, text money.

const owner = { name: 'Registry Office', id: '6493490000000473001', email: 'registry@example.edu' }

/** System keys every Zoho record carries; strict readers must ignore them. */
export const systemKeys = {
  $approval: { delegate: false, takeover: false, approve: false, reject: false, resubmit: false },
  $currency_symbol: '$',
  $editable: true,
  $field_states: null,
  $in_merge: false,
  $locked_for_me: false,
  $process_flow: false,
  $review: null,
  $review_process: { approve: false, reject: false, resubmit: false },
  $state: 'save',
  $approval_state: 'approved',
  $zia_owner_assignment: 'owner_recommendation_unavailable',
} as const

const audit = {
  Owner: owner,
  Created_By: owner,
  Modified_By: owner,
  Created_Time: '2023-12-20T11:59:13+03:00',
  Modified_Time: '2025-01-10T13:22:08+03:00',
  Tag: [],
}

/** A BTEC_Students record. */
export const studentRecord = {
  ...systemKeys,
  ...audit,
  id: '6493490000001291001',
  Name: 'A01B3011C',
  First_Name: 'Leyla',
  Last_Name: 'Aydın',
  Display_Name: 'Leyla Aydın',
  Birth_Date: '2001-04-17',
  Gender: 'Female',
  Nationality: 'Turkish',
  Email: 'leyla.aydin@example.com',
  Academic_Email: 'l.aydin@students.example.edu',
  Phone_Number: '+90 532 000 11 22',
  Address: null,
  City: 'Istanbul',
  Country: 'Türkiye',
  Student_Moodle_ID: null,
  Synced_to_Moodle: false,
  Last_Sync_Date: null,
  Status: 'Freeze',
  Major: 'Business',
  Sub_Major: null,
  Academic_Program: 'Level 5',
  Study_Mode: 'Online',
  Program: { name: 'Level 5 HND in Business', id: '6493490000000812003' },
  Classes: null,
  National_Number: null,
  Payment_Method: 'Bank Transfer',
  Currency: 'USD',
  Registration_Fees: 250,
  Total_Amount: 4650,
}

/** A BTEC_Teachers record. */
export const teacherRecord = {
  ...systemKeys,
  ...audit,
  id: '6493490000002104017',
  Name: 'Dr. Omar Haddad',
  Email: 'omar.haddad@example.com',
  Academic_Email: null,
  Phone_Number: null,
  Teacher_Moodle_ID: '214',
}

/** A Products (program) record. */
export const programRecord = {
  ...systemKeys,
  ...audit,
  id: '6493490000000812003',
  Product_Name: 'Level 5 HND in Business',
  Program_ID: 'PRG-0007',
  Unit_Price: 4400,
  Program_Price: 4400.5,
  MoodleID: '12',
  Status: 'Approved',
  Program_Type: 'HND',
  Program_Major: 'Business',
  Program_Sub_Major: null,
}

/** A BTEC (unit) record. */
export const unitRecord = {
  ...systemKeys,
  ...audit,
  id: '6493490000003001101',
  Name: 'Managing a Successful Business Project',
  Unit_Code: 'K/618/5035',
  Unit_Number: '6',
  Unit_Credit: '15',
  Unit_Level: 'Level 5',
  Unit_Major: 'Business',
  Service_Type: 'BTEC',
  Program: { name: 'Level 5 HND in Business', id: '6493490000000812003' },
  P1_description: 'Explore the features of a business project',
  P2_description: 'Produce a project management plan',
  P3_description: null,
  M1_description: 'Evaluate the project management process',
  D1_description: '',
  Moodle_Grading_Template: 'btec-3-criteria',
  Last_Sync_with_Moodle: '2025-01-10T13:22:08+03:00',
}

/** A BTEC_Classes record. */
export const classRecord = {
  ...systemKeys,
  ...audit,
  id: '6493490000004001201',
  Name: 'CLS-00231',
  Class_Name: 'Business Project T2 2025',
  Class_Short_Name: 'BP-T2-25',
  Unit: { name: 'Managing a Successful Business Project', id: '6493490000003001101' },
  BTEC_Program: { name: 'Level 5 HND in Business', id: '6493490000000812003' },
  Teacher: { name: 'Dr. Omar Haddad', id: '6493490000002104017' },
  Moodle_Class_ID: null,
  Class_Status: 'Waiting Resubmission',
  Start_Date: '2025-02-01',
  End_Date: '2025-05-30',
  Term: 'T2',
  Year: '2025',
  MS_Teams_ID: null,
  Class_Study_Mode: 'Online',
}

/** A BTEC_Enrollments record. */
export const enrollmentRecord = {
  ...systemKeys,
  ...audit,
  id: '6493490000005001301',
  Name: 'ENR-01022',
  Enrolled_Students: { name: 'A01B3011C', id: '6493490000001291001' },
  Classes: { name: 'CLS-00231', id: '6493490000004001201' },
  Student_Name: 'Leyla Aydın',
  Class_Name: 'Business Project T2 2025',
  Enrolled_Program: 'Level 5 HND in Business',
  Start_Date: '2025-02-01',
  End_Date: null,
  Moodle_Course_ID: null,
  Synced_to_Moodle: false,
  Last_Sync_Date: null,
  Enrollment_Type: 'Self-Study',
}

/** A BTEC_Registrations record with its Payment_Schedule subform. */
export const registrationRecord = {
  ...systemKeys,
  ...audit,
  id: '6493490000006001401',
  Name: 'REG-00412',
  Student_ID: { name: 'A01B3011C', id: '6493490000001291001' },
  Program: { name: 'Level 5 HND in Business', id: '6493490000000812003' },
  Registration_Date: '2024-09-15',
  Registration_Status: 'Freezed',
  Program_Price: '4400$',
  Remaining_Amount: '1,500.50 USD',
  Discount: true,
  Discount_Percentage: '10%',
  Study_Mode: 'Online',
  Study_Language: 'English',
  BTEC_Reg_No: 'BT-2024-0412',
  Intake: 'September 2024',
  Currency: 'USD',
  Exchange_Rate: 1,
  Payment_Schedule: [
    {
      $in_merge: false,
      id: '6493490000006001501',
      Installment_No: 1,
      Due_Date: '2024-10-01',
      Installment_Amount: 1450,
      Installment_Status: 'Paid',
      Paid_Date: '2024-09-28',
    },
    {
      $in_merge: false,
      id: '6493490000006001502',
      Installment_No: 2,
      Due_Date: '2025-01-01',
      Installment_Amount: '1,500.50 USD',
      Installment_Status: 'Pending',
      Paid_Date: null,
    },
  ],
}

/** A BTEC_Payments record. */
export const paymentRecord = {
  ...systemKeys,
  ...audit,
  id: '6493490000007001601',
  Name: 'PAY-00877',
  Registration_ID: { name: 'REG-00412', id: '6493490000006001401' },
  Student_ID: { name: 'A01B3011C', id: '6493490000001291001' },
  Payment_Amount: 1450,
  Payment_Date: '2024-09-28',
  Payment_Method: 'Bank Transfer',
  Payment_Type: 'Study Fees',
  Installment_No: 1,
  SRM_Voucher_Number: 'SRM-2024-1182',
  Note: null,
  Currency: 'USD',
  Exchange_Rate: 1,
}

/** A BTEC_Grades record with its Learning_Outcomes_Assessm subform. */
export const gradeRecord = {
  ...systemKeys,
  ...audit,
  id: '6493490000008001701',
  Name: 'GRD-03310',
  Student: { name: 'A01B3011C', id: '6493490000001291001' },
  Class: { name: 'CLS-00231', id: '6493490000004001201' },
  BTEC_Unit: 'K/618/5035',
  Grade: 'M',
  Grade_Status: 'Released',
  Attempt_Number: 1,
  Attempt_Date: '2025-05-02',
  Feedback: 'Good evaluation of the process.',
  Moodle_Grade_ID: '88121',
  Moodle_Grade_Composite_Key: '214-88-1',
  Grader_Name: 'Dr. Omar Haddad',
  IV_Name: null,
  Learning_Outcomes_Assessm: [
    {
      $in_merge: false,
      id: '6493490000008001801',
      LO_Code: 'LO1',
      LO_Title: 'Establish project aims',
      LO_Definition: null,
      LO_Score: 3,
      LO_Feedback: 'Clear aims',
    },
  ],
}

/** A BTEC_Student_Requests record (a class-drop request, approved). */
export const requestRecord = {
  ...systemKeys,
  ...audit,
  id: '6493490000009001901',
  Name: 'Drop Unit 4',
  Student: { name: 'A01B3011C', id: '6493490000001291001' },
  Moodle_User_ID: '214',
  Academic_Email: 'a.yilmaz@students.example.edu',
  Request_Type: 'Class Drop',
  Reason: 'Timetable clash with work.',
  Status: 'Approved',
  Request_Date: '2025-10-02T09:15:00+03:00',
  Fees_Amount: null,
  Requested_Classes: [],
  Change_Information: [],
}
