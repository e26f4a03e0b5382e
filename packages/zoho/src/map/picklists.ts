/**
 * Picklist tables of the shipped BTEC map: Zoho value -> canonical value. Matching ignores case and
 * treats spaces, `-` and `_` alike, so only real spelling drift needs its own entry (`Freeze` next to
 * the picklist's `Freezed`). The first entry for a canonical value is what write-back sends.
 */

/** BTEC_Students.Status -> canonical student status. */
export const studentStatusValues: Readonly<Record<string, string>> = {
  Pending: 'pending',
  'Enrollment Form': 'applicant',
  approved: 'approved',
  'approved-conditional': 'approved',
  'Account Creation': 'approved',
  'Welcome Letter Sent': 'approved',
  Active: 'active',
  Registered: 'active',
  Revive: 'active',
  Freezed: 'frozen',
  Freeze: 'frozen',
  Frozen: 'frozen',
  Withdraw: 'withdrawn',
  Withdrawn: 'withdrawn',
  Graduated: 'graduated',
  'Graduate Form Sent': 'graduated',
  'Student Certificate Sent': 'graduated',
  Blocked: 'blocked',
  Passive: 'inactive',
  Unregistered: 'inactive',
}

/** BTEC_Registrations.Registration_Status -> canonical registration status. */
export const registrationStatusValues: Readonly<Record<string, string>> = {
  New: 'new',
  Active: 'active',
  Graduated: 'graduated',
  Freeze: 'frozen',
  Freezed: 'frozen',
  Frozen: 'frozen',
  Blocked: 'blocked',
  Withdraw: 'withdrawn',
  Withdrawn: 'withdrawn',
  Special: 'special',
}

/** BTEC_Classes.Class_Status -> canonical class status. */
export const classStatusValues: Readonly<Record<string, string>> = {
  Pending: 'pending',
  Active: 'active',
  'Initial Evaluation': 'initial-evaluation',
  'Final Evaluation': 'final-evaluation',
  'Waiting Submission': 'waiting-submission',
  'Waiting Resubmission': 'waiting-resubmission',
  End: 'ended',
  Ended: 'ended',
}

/** BTEC_Enrollments.Enrollment_Type -> canonical enrollment type. */
export const enrollmentTypeValues: Readonly<Record<string, string>> = {
  Normal: 'normal',
  Recording: 'recording',
  'Self-Study': 'self-study',
  'Not Graded': 'not-graded',
}

/**
 * BTEC_Grades.Grade -> canonical grade letter. The school's picklist also has `Mapped` (the grade row is
 * set up, not marked): no letter, so `null`.
 */
export const gradeLetterValues: Readonly<Record<string, string | null>> = {
  D: 'D',
  M: 'M',
  P: 'P',
  R: 'R',
  RR: 'RR',
  F: 'F',
  Distinction: 'D',
  Merit: 'M',
  Pass: 'P',
  Refer: 'R',
  'Re-Refer': 'RR',
  Fail: 'F',
  Mapped: null,
}

/**
 * BTEC_Student_Requests.Status -> canonical request status. The school's picklist has both `Pending` and
 * `Pending (Default)` (the layout's default option): both are `pending`; `pending` writes back `Pending`.
 */
export const requestStatusValues: Readonly<Record<string, string | null>> = {
  Pending: 'pending',
  'Pending (Default)': 'pending',
  Approved: 'approved',
  Rejected: 'rejected',
  Cancelled: 'cancelled',
  Completed: 'completed',
}

/** Normalises a picklist value for matching: case, spaces, `-` and `_` do not matter. */
export function picklistKey(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
}
