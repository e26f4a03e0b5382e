/** QuickBooks' maximum page size (MAXRESULTS above 1000 is fault 4001). */
export const MAX_RESULTS = 1000

/** Quotes a string value for a QuickBooks query: single quotes, a quote inside escaped with `\`. */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

/** `IN ('a', 'b')` for a list of strings (non-empty). */
export function inList(values: readonly string[]): string {
  if (values.length === 0) throw new TypeError('an IN list needs at least one value')
  return `(${values.map(quote).join(', ')})`
}
