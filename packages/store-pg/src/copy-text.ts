// COPY text format: backslash, tab, newline and carriage return are the only bytes needing escapes.
const SPECIAL = /[\\\t\n\r]/g
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

/** Escapes one field for `COPY ... FROM STDIN` text format. */
export function copyField(value: string): string {
  return value.replace(SPECIAL, (c) => ESCAPES[c] ?? c)
}
