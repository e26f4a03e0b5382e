/**
 * Blank input: the one rule for "this field was left empty", shared by canonical parsing (the optional
 * primitives in `types/primitives.ts`) and the adapters' readers, so every entity and every source
 * agrees. CRMs send an empty merge field as `""` (Zoho does), forms send `" "`; for an optional field
 * that means "no value", exactly like `null`.
 */

// `String.prototype.trim`'s whitespace (WhiteSpace + LineTerminator, Unicode spaces included).
const BLANK = /^\s*$/

/** Whether `value` is a blank string: empty, or nothing but whitespace (`""`, `"  "`, `"\t\n"`). */
export function isBlank(value: unknown): boolean {
  return typeof value === 'string' && (value.length === 0 || BLANK.test(value))
}

/**
 * Reads a blank string as `null` and returns any other value unchanged. Used before an optional field's
 * own rule, so `email: ""` is "no e-mail", not "an invalid e-mail"; a required field never uses it (a
 * blank required field stays an error naming the field).
 */
export function blankAsNull(value: unknown): unknown {
  return isBlank(value) ? null : value
}
