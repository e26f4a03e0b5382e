// Field metadata shaped like `GET /crm/v8/settings/fields?module=X` (trimmed to the keys that matter).

let nextId = 6493490000000100000n
const field = (api_name: string, data_type: string, extra: Record<string, unknown> = {}) => ({
  api_name,
  data_type,
  field_label: api_name.replace(/_/g, ' '),
  json_type:
    data_type === 'boolean'
      ? 'boolean'
      : ['integer', 'currency', 'double'].includes(data_type)
        ? 'double'
        : 'string',
  system_mandatory: false,
  id: String(nextId++),
  ...extra,
})
const lookup = (api_name: string, module: string) =>
  field(api_name, 'lookup', {
    json_type: 'jsonobject',
    lookup: { module: { api_name: module, id: String(nextId++) } },
  })
const picklist = (api_name: string, values: string[]) =>
  field(api_name, 'picklist', {
    pick_list_values: values.map((v) => ({ display_value: v, actual_value: v })),
  })

/** Metadata of the real BTEC_Registrations module. */
export const registrationFields = [
  field('Name', 'autonumber'),
  lookup('Student_ID', 'BTEC_Students'),
  lookup('Program', 'Products'),
  field('Registration_Date', 'date'),
  picklist('Registration_Status', ['New', 'Active', 'Graduated', 'Freeze', 'Blocked', 'Withdraw', 'Special']),
  field('Program_Price', 'text'),
  field('Remaining_Amount', 'text'),
  field('Discount', 'boolean'),
  field('Discount_Percentage', 'text'),
  field('Study_Mode', 'picklist'),
  field('Study_Language', 'picklist'),
  field('BTEC_Reg_No', 'text'),
  field('Intake', 'picklist'),
  field('Payment_Schedule', 'subform', { json_type: 'jsonarray' }),
  picklist('Currency', ['USD', 'TRY', 'EUR', 'GBP']),
  field('Exchange_Rate', 'double', { read_only: true }),
  field('Synced_to_Moodle', 'boolean'),
  field('Last_Sync_Date', 'datetime'),
  field('Owner', 'ownerlookup', { json_type: 'jsonobject' }),
  field('Created_Time', 'datetime'),
]

/** Metadata of the real BTEC_Students module (trimmed: the real one has ~258 fields). */
export const studentFields = [
  field('Name', 'autonumber'),
  field('First_Name', 'text'),
  field('Last_Name', 'text'),
  field('Display_Name', 'text'),
  field('Birth_Date', 'date'),
  picklist('Gender', ['Male', 'Female']),
  field('Nationality', 'picklist'),
  field('Email', 'email'),
  field('Academic_Email', 'email'),
  field('Phone_Number', 'phone'),
  field('Address', 'textarea'),
  field('City', 'text'),
  field('Country', 'picklist'),
  field('Student_Moodle_ID', 'text'),
  field('Synced_to_Moodle', 'boolean'),
  field('Last_Sync_Date', 'datetime'),
  picklist('Status', ['Pending', 'Passive', 'Active', 'Freezed', 'Withdraw', 'Graduated', 'Blocked']),
  field('Study_Mode', 'picklist'),
  lookup('Program', 'Products'),
  field('National_Number', 'text'),
  field('Currency', 'picklist'),
  field('Total_Amount', 'formula'),
]

/** Metadata by module api_name, served by the fields handler. */
export const fieldsMetadata: Record<string, unknown[]> = {
  BTEC_Registrations: registrationFields,
  BTEC_Students: studentFields,
}
