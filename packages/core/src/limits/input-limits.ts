/**
 * Bounds on hostile input, checked before any work so one request cannot exhaust the stack, the heap or
 * the event loop of a process that serves every tenant. Every reader, parser and the engine take them;
 * the defaults are generous for real school data (a Zoho record is 2 levels deep, a long note a few
 * thousand characters, a Zoho page 200 records).
 */
export interface InputLimits {
  /** Deepest nesting of arrays and objects in a body or record (the top level is depth 1). @default 64 */
  readonly maxDepth: number
  /** Longest string (in UTF-16 code units, keys included) of any one field. @default 100_000 */
  readonly maxStringLength: number
  /** Most records in one request or batch call (and elements of any one array in a body). @default 10_000 */
  readonly maxRecords: number
}

/** The limits used when a caller passes none (see {@link InputLimits} for each value's reason). */
export const DEFAULT_INPUT_LIMITS: InputLimits = Object.freeze({
  maxDepth: 64,
  maxStringLength: 100_000,
  maxRecords: 10_000,
})

/**
 * Fills unset limits with the defaults; a limit that is not a positive integer (or `Infinity`) is a
 * configuration error and throws, as construction errors do.
 */
export function resolveLimits(limits: Partial<InputLimits> = {}): InputLimits {
  const out = { ...DEFAULT_INPUT_LIMITS, ...stripUndefined(limits) }
  for (const [name, value] of Object.entries(out)) {
    if (!(value === Number.POSITIVE_INFINITY || (Number.isSafeInteger(value) && value > 0))) {
      throw new TypeError(`edusync: limit ${name} must be a positive integer (received ${String(value)})`)
    }
  }
  return out
}

function stripUndefined(limits: Partial<InputLimits>): Partial<InputLimits> {
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined))
}

/** Which limit an input broke. */
export type LimitRule = 'max_depth' | 'max_length' | 'max_records'

/** The first limit an input broke: where, which, and a message a person can act on. */
export interface LimitViolation {
  /** Dotted path to the offending value (`""` for the top level). */
  readonly path: string
  readonly rule: LimitRule
  readonly message: string
}

/** @internal Builds the violation for a rule at a path. */
export function violation(
  rule: LimitRule,
  path: string,
  limits: InputLimits,
  actual?: number,
): LimitViolation {
  switch (rule) {
    case 'max_depth':
      return { path, rule, message: `nested deeper than the limit of ${limits.maxDepth} levels` }
    case 'max_length':
      return {
        path,
        rule,
        message: `text of ${actual ?? 'more'} characters exceeds the limit of ${limits.maxStringLength}`,
      }
    case 'max_records':
      return {
        path,
        rule,
        message: `more than ${limits.maxRecords} elements (the limit of records per request)`,
      }
    default:
      return rule satisfies never
  }
}
