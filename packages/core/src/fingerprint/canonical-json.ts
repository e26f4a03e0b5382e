/**
 * Canonical JSON: object keys sorted by UTF-16 code unit, no whitespace, `undefined` members omitted,
 * numbers in ECMAScript shortest round-trip form (`JSON.stringify`), strings JSON-escaped. This is the
 * serialization RFC 8785 (JCS) specifies for the values a canonical record can hold.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ','
      const item = value[i]
      out += item === undefined ? 'null' : canonicalJson(item)
    }
    return `${out}]`
  }
  const record = value as Record<string, unknown>
  const keys = Object.keys(record).sort()
  let out = '{'
  let first = true
  for (const key of keys) {
    const item = record[key]
    if (item === undefined) continue
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`
    first = false
  }
  return `${out}}`
}
