// COPY text format: backslash, tab, newline and carriage return are the only bytes needing escapes.
const SPECIAL = /[\\\t\n\r]/g
const ANY_SPECIAL = /[\\\t\n\r]/
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

/** Escapes one field for `COPY ... FROM STDIN` text format. */
export function copyField(value: string): string {
  // Most fields need no escape: one scan without a match allocates nothing.
  return ANY_SPECIAL.test(value) ? value.replace(SPECIAL, (c) => ESCAPES[c] ?? c) : value
}

/**
 * {@link copyField} for a `JSON.stringify` result: JSON text never holds a raw tab, newline or carriage
 * return (it writes them as `\t`, `\n`, `\r`), so only its backslashes need doubling, and a document
 * without any (the common case) is sent as it is.
 */
export function copyJsonField(json: string): string {
  return json.indexOf('\\') === -1 ? json : json.replaceAll('\\', '\\\\')
}
