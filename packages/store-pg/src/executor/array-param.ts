/**
 * Query values for node-postgres with arrays of strings already written as PostgreSQL array literals.
 *
 * Why: the Store passes its id lists as `text[]` parameters (thousands of ids per batch), and
 * node-postgres serialises an array by running two regular-expression replacements per element, which
 * was a measurable share of a bulk drain's CPU. `JSON.stringify` writes the same list natively, and where
 * it escapes nothing (no `"`, `\`, control character or lone surrogate in any element: every escape JSON
 * makes starts with a backslash) its quoted elements are exactly PostgreSQL's quoted array elements
 * (inside double quotes, only `"` and `\` are special). Anything else is left to node-postgres.
 */
export function withArrayLiterals(values: readonly unknown[] | undefined): unknown[] | undefined {
  if (values === undefined) return undefined
  let out: unknown[] | undefined
  for (let i = 0; i < values.length; i++) {
    const literal = stringArrayLiteral(values[i])
    if (literal === undefined) continue
    out ??= [...values]
    out[i] = literal
  }
  return out ?? (values as unknown[])
}

/** A non-empty array of strings as an array literal, or `undefined` when node-postgres should write it. */
export function stringArrayLiteral(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined
  for (const element of value) if (typeof element !== 'string') return undefined
  const json = JSON.stringify(value)
  if (json.includes('\\')) return undefined
  return `{${json.slice(1, -1)}}`
}
