/**
 * Text no Store can hold: a NUL character (PostgreSQL's `text` and `jsonb` refuse U+0000) and a lone
 * UTF-16 surrogate (half of a surrogate pair: not Unicode, so it has no UTF-8 form; a driver either
 * refuses it or silently turns it into U+FFFD). JavaScript strings can hold both, so the memory Store
 * would keep what PostgreSQL refuses. Parsing catches such text as an INVALID issue of its record, and
 * every Store refuses it in a write, so all Stores accept exactly the same data.
 */
import type { ParseIssue } from '../errors/parse-error.ts'

/** Rule of an unsafe-text issue. */
export type UnsafeTextRule = 'nul_character' | 'lone_surrogate'

/** One string holding text no Store can keep. */
export interface UnsafeText {
  /** Dotted path to the string (`""` for the value itself); an object key is reported at its own path. */
  readonly path: string
  readonly rule: UnsafeTextRule
  /** The string, with the offending characters written as `\uXXXX` escapes (see {@link escapeUnsafeText}). */
  readonly text: string
}

// In a `u` regex a surrogate pair is one code point, so `\p{Cs}` matches exactly the lone surrogates.
const UNSAFE_ALL = /[\0\p{Cs}]/gu

// Every string of every record is checked, so the common case must cost next to nothing: a plain
// (non-unicode) regex finds whether any NUL or surrogate code unit is present at all (valid pairs
// included; measured ~4x cheaper than the `u` regex), and only then are the two problems told apart:
// `indexOf` for NUL and ES2024's `isWellFormed` (Node 20+) for lone surrogates, or the `u` regex where
// `isWellFormed` is missing.
const MAYBE_UNSAFE = /[\0\uD800-\uDFFF]/
type MaybeWellFormed = { isWellFormed?: () => boolean }
const wellFormed: (text: string) => boolean =
  typeof (String.prototype as MaybeWellFormed).isWellFormed === 'function'
    ? (text) => (text as unknown as Required<MaybeWellFormed>).isWellFormed()
    : (text) => !/\p{Cs}/u.test(text)
const safe = (text: string): boolean =>
  !MAYBE_UNSAFE.test(text) || (text.indexOf('\0') === -1 && wellFormed(text))

const MESSAGES: Readonly<Record<UnsafeTextRule, string>> = {
  nul_character:
    'text holds a NUL character (U+0000), which PostgreSQL cannot store; remove it from the source record',
  lone_surrogate:
    'text holds a lone surrogate (half of a UTF-16 pair: broken Unicode, e.g. a cut emoji), which has no UTF-8 form; fix the source record',
}

/** Whether a string holds neither a NUL character nor a lone surrogate. */
export function isSafeText(text: string): boolean {
  return safe(text)
}

/**
 * Writes every NUL character and lone surrogate of `text` as a `\uXXXX` escape (`"a\u0000b"` becomes the
 * 8 characters `a\u0000b`), so a value can be shown, logged and stored; other text is returned as is.
 */
export function escapeUnsafeText(text: string): string {
  if (safe(text)) return text
  return text.replace(UNSAFE_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * A copy of `value` in which every string (and object key) holding unsafe text is escaped with
 * {@link escapeUnsafeText}; returns `value` itself when nothing needed escaping.
 */
export function withSafeText<T>(value: T): T {
  if (typeof value === 'string') return escapeUnsafeText(value) as T
  if (value === null || typeof value !== 'object') return value
  if (!hasUnsafeText(value)) return value
  if (Array.isArray(value)) return value.map(withSafeText) as T
  const copy: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) copy[escapeUnsafeText(key)] = withSafeText(item)
  return copy as T
}

/**
 * Finds the strings in `value` (nested arrays and objects included, keys too) holding a NUL character
 * or a lone surrogate, in document order, at most `limit` of them.
 */
export function findUnsafeText(value: unknown, limit = Number.POSITIVE_INFINITY): UnsafeText[] {
  // The common case (nothing unsafe) takes the scan that builds no paths and allocates nothing.
  if (!hasUnsafeText(value)) return []
  const found: UnsafeText[] = []
  walk(value, '', found, limit)
  return found
}

/**
 * Whether any string in `value`, at any depth, holds a NUL character or a lone surrogate; with `keys`
 * (the default) object keys are checked too. Allocates nothing.
 */
export function hasUnsafeText(value: unknown, keys = true): boolean {
  if (typeof value === 'string') return !safe(value)
  if (value === null || typeof value !== 'object') return false
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (hasUnsafeText(value[i], keys)) return true
    return false
  }
  for (const key in value) {
    if ((keys && !safe(key)) || hasUnsafeText((value as Record<string, unknown>)[key], keys)) return true
  }
  return false
}

function walk(value: unknown, path: string, found: UnsafeText[], limit: number): void {
  if (found.length >= limit) return
  if (typeof value === 'string') {
    if (!safe(value)) found.push({ path, rule: ruleOf(value), text: escapeUnsafeText(value) })
    return
  }
  if (value === null || typeof value !== 'object') return
  const at = (key: string) => (path === '' ? key : `${path}.${key}`)
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) walk(value[i], at(String(i)), found, limit)
    return
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue
    if (!safe(key)) {
      if (found.length >= limit) return
      found.push({ path: at(escapeUnsafeText(key)), rule: ruleOf(key), text: escapeUnsafeText(key) })
    }
    walk((value as Record<string, unknown>)[key], at(escapeUnsafeText(key)), found, limit)
  }
}

function ruleOf(text: string): UnsafeTextRule {
  return text.includes('\0') ? 'nul_character' : 'lone_surrogate'
}

/** The message of an unsafe-text rule, e.g. for a Store's `Invalid` error. */
export function unsafeTextMessage(found: Pick<UnsafeText, 'path' | 'rule'>): string {
  return `${found.path === '' ? '' : `${found.path}: `}${MESSAGES[found.rule]}`
}

/**
 * The issues of a parsed record's unsafe strings, one per string (path, rule, and the received text
 * escaped); empty when every string is safe. `parseRecord` runs it on every record it accepts.
 */
export function unsafeTextIssues(record: unknown): ParseIssue[] {
  // Keys are scanned too: a strict schema's keys are its own, but a loose one keeps the input's, and a
  // bad key found here fails only its record, where the Store's write check would refuse the batch.
  if (!hasUnsafeText(record)) return []
  const unsafe = findUnsafeText(record)
  if (unsafe.length === 0) return []
  return unsafe.map((u) => ({ path: u.path, rule: u.rule, message: MESSAGES[u.rule], received: u.text }))
}
