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
    // A stack overflow means "too deep"; anything else (a hostile Proxy) is left to the reader.
    found = error instanceof RangeError ? { rule: 'max_depth', keys: [] } : undefined
  }
  if (!found) return undefined
  return violation(found.rule, found.keys.reverse().join('.'), limits, found.actual)
}

function walk(value: unknown, depth: number, limits: InputLimits): Found | undefined {
  if (typeof value === 'string') {
    return value.length > limits.maxStringLength
      ? { rule: 'max_length', keys: [], actual: value.length }
      : undefined
  }
  if (value === null || typeof value !== 'object') return undefined
  if (depth >= limits.maxDepth) return { rule: 'max_depth', keys: [] }
  if (Array.isArray(value)) {
    if (value.length > limits.maxRecords) return { rule: 'max_records', keys: [] }
    for (let i = 0; i < value.length; i++) {
      const found = walk(value[i], depth + 1, limits)
      if (found) return withKey(found, String(i))
    }
    return undefined
  }
  let keys: string[]
  try {
    keys = Object.keys(value)
  } catch {
    return undefined
  }
  if (keys.length > limits.maxRecords) return { rule: 'max_records', keys: [] }
  for (const key of keys) {
    if (key.length > limits.maxStringLength) {
      return { rule: 'max_length', keys: [`${key.slice(0, 40)}…`], actual: key.length }
    }
    let inner: unknown
    try {
      inner = (value as Record<string, unknown>)[key]
    } catch {
      continue
    }
    const found = walk(inner, depth + 1, limits)
    if (found) return withKey(found, key)
  }
  return undefined
}

function withKey(found: Found, key: string): Found {
  found.keys.push(key)
  return found
}
