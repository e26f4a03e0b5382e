import type { InputLimits, LimitRule, LimitViolation } from './input-limits.ts'
import { violation } from './input-limits.ts'

interface Found {
  readonly rule: LimitRule
  readonly keys: string[]
  readonly actual?: number
}

/**
 * Walks a value (from anywhere: JSON, a caller's object, a cycle) and returns the first limit it breaks,
 * or `undefined`. Never throws: a property that cannot be read (a throwing getter, a hostile Proxy) is
 * skipped, since the reader that needs it refuses it later. A cycle is reported as `max_depth` (it is
 * infinitely deep). The recursion is bounded by `maxDepth`, so it cannot overflow the stack; with an
 * unbounded depth an overflow is caught and reported as `max_depth` too.
 */
export function findLimitViolation(value: unknown, limits: InputLimits): LimitViolation | undefined {
  let found: Found | undefined
  try {
    found = walk(value, 0, limits)
  } catch (error) {
    // A stack overflow means "too deep"; anything else (a throwing getter, a hostile Proxy) is left to
    // the reader, which refuses the value when it reads it.
    found = error instanceof RangeError ? { rule: 'max_depth', keys: [] } : undefined
  }
  if (!found) return undefined
  return violation(found.rule, found.keys.reverse().join('.'), limits, found.actual)
}

// Hot path (every record of every batch): no allocation and no try/catch per value; a throwing getter
// or Proxy aborts the walk, caught once by the caller.
function walk(value: unknown, depth: number, limits: InputLimits): Found | undefined {
  if (typeof value === 'string') {
    return value.length > limits.maxStringLength
      ? { rule: 'max_length', keys: [], actual: value.length }
      : undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  if (depth >= limits.maxDepth) return { rule: 'max_depth', keys: [] }
  if (Array.isArray(value)) {
    const n = value.length
    if (n > limits.maxRecords) return { rule: 'max_records', keys: [] }
    for (let i = 0; i < n; i++) {
      const item: unknown = value[i]
      if (typeof item !== 'object' && typeof item !== 'string') continue
      const found = walk(item, depth + 1, limits)
      if (found) return withKey(found, String(i))
    }
    return undefined
  }
  // for...in walks V8's enum cache without allocating a keys array (the dominant cost of Object.keys
  // here); inherited enumerable keys of a hostile prototype are checked too, which is harmless.
  let count = 0
  for (const key in value) {
    if (++count > limits.maxRecords) return { rule: 'max_records', keys: [] }
    if (key.length > limits.maxStringLength) {
      return { rule: 'max_length', keys: [`${key.slice(0, 40)}…`], actual: key.length }
    }
    const inner = (value as Record<string, unknown>)[key]
    if (typeof inner !== 'object' && typeof inner !== 'string') continue
    const found = walk(inner, depth + 1, limits)
    if (found) return withKey(found, key)
  }
  return undefined
}

function withKey(found: Found, key: string): Found {
  found.keys.push(key)
  return found
}
