import type { InputLimits, LimitViolation } from './input-limits.ts'
import { violation } from './input-limits.ts'

const QUOTE = 34
const BACKSLASH = 92
const OPEN_OBJECT = 123
const CLOSE_OBJECT = 125
const OPEN_ARRAY = 91
const CLOSE_ARRAY = 93
const COMMA = 44
const COLON = 58

interface Frame {
  readonly array: boolean
  /** Elements seen so far (arrays) or members (objects). */
  count: number
  /** Whether any value has started in this container (so `count` is commas + 1). */
  started: boolean
  /** Objects: the last key read, for paths. */
  key: string
  expectKey: boolean
}

/**
 * Scans JSON text for limit violations **before** it is parsed, in one linear pass with no recursion:
 * nesting depth, string length (decoded UTF-16 units, keys included) and elements per array. So a
 * hostile body (a 10 KB body nested 2,000 deep, 2 MB of `[{},{},...]`) is refused in microseconds per
 * kilobyte instead of being parsed, walked and echoed. The text need not be valid JSON: syntax is left
 * to `JSON.parse`, which runs only when this finds nothing.
 */
export function scanJsonText(text: string, limits: InputLimits): LimitViolation | undefined {
  const stack: Frame[] = []
  // The path of the value being read; `frames` drops inner frames (the path of a container itself).
  const pathOf = (extra?: string, frames = stack.length) => {
    const parts = stack.slice(0, frames).map((f) => (f.array ? String(Math.max(0, f.count - 1)) : f.key))
    if (extra !== undefined) parts.push(extra)
    return parts.join('.')
  }
  const valueStarts = () => {
    const top = stack[stack.length - 1]
    if (top?.array && !top.started) {
      top.started = true
      top.count = 1
    }
  }
  const length = text.length
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      const end = stringEnd(text, i + 1)
      const decoded = decodedLength(text, i + 1, end)
      const top = stack[stack.length - 1]
      const isKey = top !== undefined && !top.array && top.expectKey
      if (decoded > limits.maxStringLength) {
        return violation(
          'max_length',
          pathOf(isKey ? `${text.slice(i + 1, i + 41)}…` : undefined),
          limits,
          decoded,
        )
      }
      if (isKey) top.key = text.slice(i + 1, Math.min(end, i + 101))
      else valueStarts()
      i = end
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      valueStarts()
      if (stack.length + 1 > limits.maxDepth) return violation('max_depth', pathOf(), limits)
      stack.push({ array: c === OPEN_ARRAY, count: 0, started: false, key: '', expectKey: c === OPEN_OBJECT })
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.pop()
    } else if (c === COMMA) {
      const top = stack[stack.length - 1]
      if (top === undefined) continue
      top.count++
      if (top.count > limits.maxRecords) {
        return violation('max_records', pathOf(undefined, stack.length - 1), limits)
      }
      if (!top.array) top.expectKey = true
    } else if (c === COLON) {
      const top = stack[stack.length - 1]
      if (top && !top.array) top.expectKey = false
    } else if (c > 32) {
      valueStarts()
    }
  }
  return undefined
}

// Index of the closing quote of a string whose content starts at `from` (text.length when unterminated).
function stringEnd(text: string, from: number): number {
  let at = from
  for (;;) {
    const quote = text.indexOf('"', at)
    if (quote < 0) return text.length
    let backslashes = 0
    for (let k = quote - 1; k >= from && text.charCodeAt(k) === BACKSLASH; k--) backslashes++
    if (backslashes % 2 === 0) return quote
    at = quote + 1
  }
}

// UTF-16 length of the decoded string: `\uXXXX` is one unit, any other escape one unit.
function decodedLength(text: string, from: number, end: number): number {
  let units = end - from
  let at = text.indexOf('\\', from)
  while (at >= 0 && at < end) {
    const long = text.charCodeAt(at + 1) === 117 // "u"
    units -= long ? 5 : 1
    at = text.indexOf('\\', at + (long ? 6 : 2))
  }
  return units
}
