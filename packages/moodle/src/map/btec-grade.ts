/** A BTEC letter: Distinction, Merit, Pass, Refer, Re-Refer (second refer), Fail. */
export type BtecLetter = 'D' | 'M' | 'P' | 'R' | 'RR' | 'F'

/** The feedback code a teacher writes for an invalid submission: the attempt is a Fail. */
export const INVALID_SUBMISSION_CODE = '01122'

/**
 * A grade on Moodle's scale normalised to 0-100: `(final - min) / (max - min) * 100`, clamped to 0-100
 * and rounded to 2 decimals. `null` when there is no grade; 0 when the range is empty or inverted
 * (a misconfigured item must not divide by zero).
 */
export function normaliseGrade(
  final: number | null | undefined,
  min: number | null | undefined,
  max: number | null | undefined,
): number | null {
  if (final === null || final === undefined || !Number.isFinite(final)) return null
  const lo = min ?? 0
  const hi = max ?? 100
  if (!(hi > lo)) return 0
  const pct = ((final - lo) / (hi - lo)) * 100
  return Math.round(Math.min(100, Math.max(0, pct)) * 100) / 100
}

/** What {@link btecLetter} reads. */
export interface BtecGradeInput {
  /** The grade on the 0-4 scale; `null`/`undefined` (or Moodle's "not graded" -1) = no grade. */
  readonly score: number | null | undefined
  /** The 1-based attempt; 2 or more after a refer. */
  readonly attempt?: number | null
  /** The teacher's feedback (plain text or HTML). */
  readonly feedback?: string | null
}

/**
 * The one conversion from the 0-4 scale to a BTEC letter, used everywhere:
 * `01122` in the feedback -> F; 0 -> F; missing or below 2 -> R (RR on a second or later attempt);
 * 2 -> P; 3 -> M; 4 -> D (each "or more").
 */
export function btecLetter(input: BtecGradeInput): BtecLetter {
  if (input.feedback?.includes(INVALID_SUBMISSION_CODE)) return 'F'
  const { score } = input
  if (score === 0) return 'F'
  if (score === null || score === undefined || !Number.isFinite(score) || score < 2) {
    return (input.attempt ?? 1) >= 2 ? 'RR' : 'R'
  }
  if (score >= 4) return 'D'
  if (score >= 3) return 'M'
  return 'P'
}

/**
 * The grade's key: `<moodle user>_<course>_<grade item>`. One per assignment, so two assignments of one
 * course are two grades (the original's `student_course` key merged them into one record).
 */
export function gradeCompositeKey(
  moodleUserId: string | number,
  courseId: string | number,
  gradeItemId: string | number,
): string {
  return `${moodleUserId}_${courseId}_${gradeItemId}`
}
