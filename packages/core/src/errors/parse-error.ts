import { escapeUnsafeText, withSafeText } from '../parse/text-safety.ts'

/**
 * One problem with one field of an input record: where it is, which rule it broke, and what was received,
 * so a person can find and fix the source record.
 */
export interface ParseIssue {
  /** Dotted path to the field, e.g. `"paymentSchedule.0.dueDate"`; `""` for the record itself. */
  readonly path: string
  /**
   * The rule broken: zod's issue code (`"invalid_type"`, `"too_small"`, `"invalid_format"`,
   * `"invalid_value"`), `"missing"` for an absent required field, our own refinements' names
   * (`"iso_date"`, `"iso_instant"`, `"safe_integer"`), or `"duplicate_in_batch"` from the engine.
   */
  readonly rule: string
  /** Human-readable explanation, e.g. `"expected a calendar date YYYY-MM-DD"`. */
  readonly message: string
  /**
   * The value that was received at that path (`undefined` when the field was absent). Text no Store can
   * hold (NUL characters, lone surrogates) appears with those characters written as `\uXXXX` escapes, so
   * an issue can always be logged, answered and stored (e.g. in a webhook's remembered reply).
   */
  readonly received: unknown
}

/** An input record that could not be read into its canonical form. Lists every issue, not just the first. */
export class ParseError extends Error {
  override readonly name = 'ParseError'
  readonly reason = 'Invalid' as const
  /** Every issue found. */
  readonly issues: readonly ParseIssue[]
  /** The record's id, when it could be read. */
  readonly recordId: string | undefined

  constructor(
    /** The entity the record was parsed as. */
    readonly entity: string,
    issues: readonly ParseIssue[],
    recordId?: string,
  ) {
    // Every reader (core's and the adapters') builds its error here, so this is the one place where
    // received values and ids are made safe to store: see text-safety.ts.
    const safeIssues = issues.map(safeIssue)
    const safeId = recordId === undefined ? undefined : escapeUnsafeText(recordId)
    super(formatIssues(entity, safeIssues, safeId))
    this.issues = safeIssues
    this.recordId = safeId
  }
}

function safeIssue(issue: ParseIssue): ParseIssue {
  const received = withSafeText(issue.received)
  const message = escapeUnsafeText(issue.message)
  return received === issue.received && message === issue.message ? issue : { ...issue, received, message }
}

/** Renders issues as one line each: `registrationDate: expected a calendar date YYYY-MM-DD (received "15/01/2026")`. */
export function formatIssues(entity: string, issues: readonly ParseIssue[], recordId?: string): string {
  const head = `invalid ${entity}${recordId === undefined ? '' : ` ${recordId}`}`
  return `${head}: ${issues.map((i) => `${i.path || '(record)'}: ${i.message} (received ${describe(i.received)})`).join('; ')}`
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  try {
    const json = JSON.stringify(value)
    return json.length > 80 ? `${json.slice(0, 77)}...` : json
  } catch {
    return String(value)
  }
}
