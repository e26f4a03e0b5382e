import { previewValue } from '../limits/preview.ts'
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
   * (`"iso_date"`, `"iso_instant"`, `"safe_integer"`), `"duplicate_in_batch"` from the engine, the input
   * limits (`"max_depth"`, `"max_length"`, `"max_records"`), or `"unreadable"` for a value whose reading
   * threw (a getter, a Proxy).
   */
  readonly rule: string
  /** Human-readable explanation, e.g. `"expected a calendar date YYYY-MM-DD"`. */
  readonly message: string
  /**
   * What was received at that path (`undefined` when the field was absent), as a bounded preview
   * ({@link previewValue}): equal to the value for ordinary data; long text cut, deep containers
   * summarised and values JSON cannot hold described, so an issue never echoes a hostile value whole.
   * Text no Store can hold (NUL characters, lone surrogates) appears with those characters written as
   * `\uXXXX` escapes, so an issue can always be logged, answered and stored (e.g. in a webhook's
   * remembered reply).
   */
  readonly received: unknown
}

/** An input record that could not be read into its canonical form. Lists every issue, not just the first. */
export class ParseError extends Error {
  override readonly name = 'ParseError'
  readonly reason = 'Invalid' as const

  constructor(
    /** The entity the record was parsed as. */
    readonly entity: string,
    issues: readonly ParseIssue[],
    recordId?: string,
  ) {
    // Every reader (core's and the adapters') builds its error here, so this is the one place where
    // received values and ids are bounded (previews) and made safe to store (see text-safety.ts).
    const bounded = issues.map(boundIssue)
    const id = recordId === undefined ? undefined : escapeUnsafeText(previewValue(recordId) as string)
    super(formatIssues(entity, bounded, id))
    this.issues = bounded
    this.recordId = id
  }

  /** The record's id, when it could be read (cut like any preview when absurdly long). */
  readonly recordId: string | undefined

  /** Every issue found, each `received` bounded (see {@link ParseIssue.received}). */
  readonly issues: readonly ParseIssue[]
}

/** Renders issues as one line each: `registrationDate: expected a calendar date YYYY-MM-DD (received "15/01/2026")`. */
export function formatIssues(entity: string, issues: readonly ParseIssue[], recordId?: string): string {
  const head = `invalid ${entity}${recordId === undefined ? '' : ` ${recordId}`}`
  return `${head}: ${issues.map((i) => `${i.path || '(record)'}: ${i.message} (received ${describe(i.received)})`).join('; ')}`
}

/**
 * @internal An issue whose `received` is a bounded preview with storable text (idempotent: a preview
 * previews to itself). Preview first: cutting text can split a surrogate pair, which the escaping mends.
 */
export function boundIssue(issue: ParseIssue): ParseIssue {
  return {
    path: escapeUnsafeText(cut(issue.path, 500)),
    rule: cut(issue.rule, 100),
    // Messages may quote the value (a picklist's "not one of"): cut them like the value itself.
    message: escapeUnsafeText(cut(issue.message, 1_000)),
    received: withSafeText(previewValue(issue.received)),
  }
}

const cut = (text: string, max: number) =>
  typeof text === 'string' && text.length > max
    ? `${text.slice(0, max)}…(+${text.length - max} characters)`
    : text

// Never throws: the value is previewed first (BigInt, cycles, throwing getters become text), and
// stringifying the bounded preview cannot fail.
function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  let json: string
  try {
    json = JSON.stringify(previewValue(value, { maxDepth: 2, maxItems: 5, maxStringLength: 80 })) ?? 'nothing'
  } catch {
    json = '[unreadable value]'
  }
  return json.length > 80 ? `${json.slice(0, 77)}...` : json
}
