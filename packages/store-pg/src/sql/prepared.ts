import { createHash } from 'node:crypto'

// Fixed statement text -> its prepared-statement name. Filled only by `prepared` (once per statement module
// and schema, when a Store opens), so it holds a bounded set: the number of statements times the schemas in
// use. Texts built per call (a placeholder per row, one text per filter combination) are never registered.
const names = new Map<string, string>()

/**
 * Marks every string property of `statements` (one schema's statement module) as fixed text, to be run as a
 * named prepared statement on node-postgres: parsed once per connection, then only bound and executed, so
 * PostgreSQL plans it from its plan cache instead of parsing and planning it on every call. Properties that
 * are functions (texts whose shape varies per call) and the keys in `except` (statements whose generic plan
 * is worse than a plan fitted to the values) are left unnamed. Returns `statements` unchanged.
 */
export function prepared<T extends object>(statements: T, except: readonly (keyof T)[] = []): T {
  for (const [key, text] of Object.entries(statements)) {
    if (typeof text !== 'string' || except.includes(key as keyof T) || names.has(text)) continue
    if (FILTERS_ON_PARAMETER_ARRAY.test(text)) continue
    names.set(text, statementName(text))
  }
  return statements
}

/**
 * Texts filtering with `= ANY($n)` stay unnamed, whatever module marks them. Planned for its values, such a
 * filter hashes the array; a generic plan cannot (the array is a parameter), and without fresh statistics
 * (a table just filled, before autovacuum's ANALYZE) PostgreSQL's generic plan scanned every row of the
 * tenant's entity or source and compared each with every id: 2,000 ids against 50,000 parked rows took
 * 1.4 s instead of 10 ms (the engine's `upsert` and `unpark`), and a drain's `markHandled` fell from 36,000
 * to 6,700 events/s. Per-key probes (`unnest(...) CROSS JOIN LATERAL`) and `ctid = ANY(ARRAY(...))` are
 * index probes or TID scans in any plan, and are named.
 */
const FILTERS_ON_PARAMETER_ARRAY = /=\s*ANY\s*\(\s*\$\d/i

/** The prepared-statement name of a text marked by {@link prepared}; undefined for any other text. */
export function preparedName(text: string): string | undefined {
  return names.get(text)
}

// Derived from the text alone, so one text has the same name on every connection and in every process, and
// two texts never share one (node-postgres refuses a name reused with another text): 96 bits of SHA-256.
// Short enough for PostgreSQL's 63-byte identifiers.
function statementName(text: string): string {
  return `edusync_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`
}
