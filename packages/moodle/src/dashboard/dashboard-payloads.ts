import type { Money } from '@edusync/core'
import { minorDigits } from '@edusync/core/finance'

/** A canonical record's data as the Store holds it. */
type Data = Readonly<Record<string, unknown>>

/** Names of referenced records a payload shows (program, teacher and unit names), by record id. */
export interface DashboardNames {
  readonly program: ReadonlyMap<string, string>
  readonly teacher: ReadonlyMap<string, string>
  readonly unit: ReadonlyMap<string, string>
}

/** What the plugin needs beyond a record's own data: names, and the Moodle ids edusync linked. */
export interface PayloadContext {
  readonly names: DashboardNames
  /** Moodle user id of a student, course id of a class (Store links of system `moodle`), by record id. */
  readonly moodleIds: ReadonlyMap<string, string>
}

/** One instalment item of `local_mzi_sync_installments` (moodle-plugin-ws.md §2.4). */
export interface InstallmentItem {
  readonly installment_number: number
  readonly due_date: string
  readonly amount: string
  readonly status: string
  readonly paid_date: string | null
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '')
const orNull = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null)
// The plugin stores statuses as labels ("Active", "Cancelled"): canonical `initial-evaluation` -> `Initial evaluation`.
const label = (value: unknown, fallback: string): string => {
  const v = text(value)
  return v === '' ? fallback : `${v.charAt(0).toUpperCase()}${v.slice(1).replaceAll('-', ' ')}`
}

const digitsCache = new Map<string, number>()
/**
 * Minor units as a plain decimal with a dot (`150050` USD -> `"1500.50"`), exactly, no floating point:
 * the plugin's `parse_money` keeps only digits, `.` and `-`, so a thousands separator or a decimal comma
 * would be misread (moodle-plugin-ws.md §1). `null` for an absent amount.
 */
export function pluginMoney(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null
  const { minor, currency } = value as Money
  let digits = digitsCache.get(currency)
  if (digits === undefined) {
    digits = minorDigits(currency)
    digitsCache.set(currency, digits)
  }
  const abs = String(Math.abs(minor)).padStart(digits + 1, '0')
  const whole = digits === 0 ? abs : `${abs.slice(0, -digits)}.${abs.slice(-digits)}`
  return minor < 0 ? `-${whole}` : whole
}

/** `local_mzi_update_student` `studentdata` (§2.1). Keys the plugin resets when absent are always sent. */
export function studentPayload(id: string, d: Data, context: PayloadContext): Record<string, unknown> {
  const moodleUserId = context.moodleIds.get(id)
  return {
    zoho_student_id: id,
    student_id: text(d.code),
    first_name: text(d.firstName),
    last_name: text(d.lastName),
    email: text(d.email),
    academic_email: text(d.academicEmail),
    phone_number: text(d.phone),
    address: text(d.address),
    city: text(d.city),
    nationality: text(d.nationality),
    national_id: text(d.nationalNumber),
    gender: text(d.gender),
    date_of_birth: text(d.birthDate),
    status: label(d.status, 'Active'),
    // Sent when known: without it the plugin overwrites a cached Moodle user id with null (pitfall 4).
    ...(moodleUserId === undefined ? {} : { moodle_user_id: Number(moodleUserId) }),
  }
}

/** `local_mzi_sync_teacher` `teacherdata` (§2.5). */
export function teacherPayload(id: string, d: Data): Record<string, unknown> {
  return {
    zoho_teacher_id: id,
    teacher_name: text(d.name),
    email: text(d.email),
    academic_email: text(d.academicEmail),
    phone_number: text(d.phone),
  }
}

/** `local_mzi_create_registration` `registrationdata` (§2.2). Amounts are plain decimals. */
export function registrationPayload(id: string, d: Data, context: PayloadContext): Record<string, unknown> {
  const total = d.programPrice as Money | null | undefined
  const remaining = d.remainingAmount as Money | null | undefined
  const paid =
    total && remaining && total.currency === remaining.currency
      ? { minor: total.minor - remaining.minor, currency: total.currency }
      : null
  const schedule = Array.isArray(d.paymentSchedule) ? d.paymentSchedule : null
  return {
    zoho_student_id: text(d.studentId),
    zoho_registration_id: id,
    registration_number: text(d.registrationNumber) || text(d.code),
    program_name: context.names.program.get(text(d.programId)) ?? '',
    registration_date: text(d.registrationDate),
    registration_status: label(d.status, 'Pending'),
    total_fees: pluginMoney(total) ?? '0',
    paid_amount: pluginMoney(paid) ?? '0',
    remaining_amount: pluginMoney(remaining) ?? '0',
    currency: total?.currency ?? remaining?.currency ?? '',
    study_mode: text(d.studyMode),
    number_of_installments: schedule ? schedule.length : null,
  }
}

/**
 * `local_mzi_sync_installments` `installmentsdata` (§2.4): the whole schedule, which the plugin replaces.
 * An empty schedule is sent too, so a cleared schedule clears in Moodle (pitfall 16).
 */
export function installmentItems(d: Data): InstallmentItem[] {
  const schedule = Array.isArray(d.paymentSchedule) ? (d.paymentSchedule as Data[]) : []
  return schedule.map((row) => ({
    installment_number: typeof row.number === 'number' ? row.number : 0,
    due_date: text(row.dueDate),
    amount: pluginMoney(row.amount) ?? '0',
    status: label(row.status, 'Pending'),
    paid_date: orNull(row.paidDate),
  }))
}

const PAYMENT_STATUS: Readonly<Record<string, string>> = {
  payment: 'Confirmed',
  refund: 'Refunded',
  reversal: 'Reversed',
}

/** `local_mzi_record_payment` `paymentdata` (§2.3): upserted by `zoho_payment_id`, so a repeat is harmless. */
export function paymentPayload(id: string, d: Data): Record<string, unknown> {
  return {
    zoho_registration_id: text(d.registrationId),
    zoho_payment_id: id,
    payment_number: text(d.code),
    payment_amount: pluginMoney(d.amount) ?? '0',
    payment_date: text(d.paymentDate),
    payment_method: text(d.method),
    payment_status: PAYMENT_STATUS[text(d.kind) || 'payment'] ?? 'Confirmed',
    voucher_number: text(d.voucherNumber),
    payment_notes: text(d.note),
  }
}

/** `local_mzi_create_class` `classdata` (§2.6). */
export function classPayload(id: string, d: Data, context: PayloadContext): Record<string, unknown> {
  const course = context.moodleIds.get(id)
  return {
    zoho_class_id: id,
    class_name: text(d.name),
    class_short_name: text(d.shortName),
    teacher_zoho_id: text(d.teacherId),
    teacher_name: context.names.teacher.get(text(d.teacherId)) ?? '',
    unit_zoho_id: text(d.unitId),
    unit_name: context.names.unit.get(text(d.unitId)) ?? '',
    program_zoho_id: text(d.programId),
    start_date: text(d.startDate),
    end_date: text(d.endDate),
    class_status: label(d.status, 'Scheduled'),
    // Without it the plugin nulls the stored course id (pitfall 5): sent whenever edusync linked one.
    ...(course === undefined ? {} : { moodle_class_id: course }),
  }
}

/** `local_mzi_update_enrollment` `enrollmentdata` (§2.7). */
export function enrollmentPayload(id: string, d: Data): Record<string, unknown> {
  return {
    zoho_student_id: text(d.studentId),
    zoho_enrollment_id: id,
    zoho_class_id: text(d.classId),
    enrollment_date: text(d.startDate),
    end_date: text(d.endDate),
    enrollment_type: text(d.type),
    enrollment_status: 'Active',
  }
}

/** `local_mzi_submit_grade` `gradedata` (§2.8); learning outcomes travel as a JSON string, as the plugin stores them. */
export function gradePayload(id: string, d: Data): Record<string, unknown> {
  return {
    zoho_student_id: text(d.studentId),
    zoho_grade_id: id,
    zoho_class_id: text(d.classId),
    unit_name: text(d.unitCode),
    btec_grade_name: text(d.grade),
    attempt_number: typeof d.attemptNumber === 'number' ? d.attemptNumber : null,
    feedback: text(d.feedback),
    learning_outcomes: JSON.stringify(Array.isArray(d.learningOutcomes) ? d.learningOutcomes : []),
    grade_status: text(d.status),
    grade_date: text(d.attemptDate),
  }
}

/**
 * `local_mzi_update_request_status` `requestdata` (§2.9). Every key is sent, so the plugin's fallbacks
 * (`Request_Type`, `Reason`, `status`) never read a stale Zoho-shaped key; `zoho_request_id` is always set,
 * because without it the plugin's lookup matches Moodle-made requests (NULL id) and could overwrite one.
 * The status goes as the plugin's label (`pending` -> `Pending`, its own default); the date as the
 * `YYYY-MM-DD` (UTC) of the canonical instant, because the column is `char(20)` and stored verbatim.
 */
export function requestPayload(id: string, d: Data): Record<string, unknown> {
  return {
    zoho_student_id: text(d.studentId),
    zoho_request_id: id,
    request_type: text(d.type),
    description: text(d.description),
    request_status: label(d.status, 'Pending'),
    request_date: text(d.requestDate).slice(0, 10),
  }
}
