/** Operators of Zoho's search `criteria`. */
export type CriteriaOperator =
  | 'equals'
  | 'not_equal'
  | 'starts_with'
  | 'in'
  | 'greater_than'
  | 'greater_equal'
  | 'less_than'
  | 'less_equal'
  | 'between'

/** One condition: `[api_name, operator, value]`; arrays are joined with `,` (for `in` and `between`). */
export type Criterion = readonly [
  field: string,
  operator: CriteriaOperator,
  value: string | number | boolean | readonly (string | number)[],
]

/** Escapes a value for `criteria`: Zoho requires `(`, `)` and `,` inside values to be preceded by `\`. */
export function escapeCriteriaValue(value: string): string {
  return value.replace(/[(),]/g, (c) => `\\${c}`)
}

/**
 * Builds a search `criteria` string, e.g. `((Email:equals:a@b.co)and(Last_Name:starts_with:O\(Neil\)))`.
 * Values are escaped; URL-encoding is done by the client.
 */
export function buildCriteria(conditions: readonly Criterion[], join: 'and' | 'or' = 'and'): string {
  if (conditions.length === 0) throw new RangeError('Zoho criteria: at least one condition is required')
  const parts = conditions.map(([field, op, value]) => {
    const text = Array.isArray(value)
      ? value.map((v) => escapeCriteriaValue(String(v))).join(',')
      : escapeCriteriaValue(String(value))
    return `(${field}:${op}:${text})`
  })
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(join)})`
}

/** Quotes a string literal for a COQL query: `'O\'Neil'`. */
export function coqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}
