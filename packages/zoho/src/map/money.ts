import type { Money } from '@edusync/core'
import { isBlank } from '@edusync/core'
import { ZOHO_NONE } from '../readers/zoho-none.ts'

/** Currency symbols understood in money text unless a field map says otherwise. */
export const defaultCurrencySymbols: Readonly<Record<string, string>> = {
  $: 'USD',
  '€': 'EUR',
  '£': 'GBP',
  '₺': 'TRY',
}

const digitsCache = new Map<string, number | undefined>()
let known: Set<string> | undefined
function knownCurrencies(): Set<string> {
  if (!known) known = new Set(Intl.supportedValuesOf('currency'))
  return known
}

/** Minor-unit digits of an ISO-4217 currency (USD 2, JPY 0, KWD 3); `undefined` for an unknown code. */
export function minorDigits(currency: string): number | undefined {
  const cached = digitsCache.get(currency)
  if (cached !== undefined || digitsCache.has(currency)) return cached
  let digits: number | undefined
  try {
    // Intl formats any well-formed code; only codes it knows as ISO-4217 are accepted.
    if (/^[A-Z]{3}$/.test(currency) && knownCurrencies().has(currency)) {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits
    }
  } catch {
    digits = undefined
  }
  digitsCache.set(currency, digits)
  return digits
}

const TEXT_ERROR =
  'expected a money amount such as "4400$", "$1,500.50" or "1,500.50 USD" (comma = thousands separator, dot = decimal point)'

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13) || c === 160
const isDigit = (c: number) => c >= 48 && c <= 57
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122)

interface ScannedMoney {
  readonly negative: boolean
  readonly currency: string | undefined
  /** The amount's digits without separators, e.g. `"150050"` for `1,500.50`. */
  readonly integer: string
  readonly fraction: string
  /** Integer part and fraction as numbers (exact while they have at most 15 digits). */
  readonly intValue: number
  readonly intDigits: number
  readonly fracValue: number
  readonly fracDigits: number
}

// A hand-written scanner instead of a regex: it runs for every money field of every record. It keeps its
// position in module state rather than in closures (no allocation per call; readers are synchronous).
// Grammar: ws [-] ws [marker] ws [-] ws digits(,ddd)* [.digits] ws [marker] ws, with at most one `-`,
// marker = three letters (ISO code) or one symbol character listed in `symbols`.
let pos = 0
let negative = false
let marked: string | undefined

function skipSpaces(text: string): void {
  while (pos < text.length && isSpace(text.charCodeAt(pos))) pos++
}

function readSign(text: string): boolean {
  if (text.charCodeAt(pos) !== 45) return true
  if (negative) return false
  negative = true
  pos++
  skipSpaces(text)
  return true
}

// Reads an optional currency marker; returns an error message, or undefined when fine.
function readMarker(text: string, symbols: Readonly<Record<string, string>>): string | undefined {
  const c = text.charCodeAt(pos)
  if (pos >= text.length || isDigit(c) || c === 45 || c === 43 || c === 44 || c === 46) return undefined
  let code: string | undefined
  let raw: string
  if (isLetter(c)) {
    if (
      !isLetter(text.charCodeAt(pos + 1)) ||
      !isLetter(text.charCodeAt(pos + 2)) ||
      isLetter(text.charCodeAt(pos + 3))
    ) {
      return TEXT_ERROR
    }
    raw = text.slice(pos, pos + 3)
    code = raw.toUpperCase()
  } else {
    raw = String.fromCodePoint(text.codePointAt(pos) as number)
    code = symbols[raw]
  }
  pos += raw.length
  if (code === undefined) return `unknown currency marker "${raw}"`
  if (marked !== undefined && marked !== code) return `two different currencies (${marked} and ${code})`
  marked = code
  skipSpaces(text)
  return undefined
}

function scanMoneyText(text: string, symbols: Readonly<Record<string, string>>): ScannedMoney | string {
  const n = text.length
  pos = 0
  negative = false
  marked = undefined
  skipSpaces(text)
  if (!readSign(text)) return TEXT_ERROR
  const before = readMarker(text, symbols)
  if (before !== undefined) return before
  if (!readSign(text)) return TEXT_ERROR
  const start = pos
  let groupLength = 0
  let grouped = false
  let intValue = 0
  let intDigits = 0
  while (pos < n) {
    const c = text.charCodeAt(pos)
    if (isDigit(c)) {
      groupLength++
      intDigits++
      intValue = intValue * 10 + (c - 48)
    } else if (c === 44) {
      if (grouped ? groupLength !== 3 : groupLength < 1 || groupLength > 3) return TEXT_ERROR
      grouped = true
      groupLength = 0
    } else break
    pos++
  }
  if (pos === start || (grouped && groupLength !== 3)) return TEXT_ERROR
  const end = pos
  let fracStart = pos
  let fracValue = 0
  if (text.charCodeAt(pos) === 46) {
    fracStart = ++pos
    while (pos < n && isDigit(text.charCodeAt(pos))) {
      fracValue = fracValue * 10 + (text.charCodeAt(pos) - 48)
      pos++
    }
    if (pos === fracStart) return TEXT_ERROR
  }
  const fracEnd = pos
  skipSpaces(text)
  const after = readMarker(text, symbols)
  if (after !== undefined) return after
  if (pos !== n) return TEXT_ERROR
  // The digit strings are only needed for amounts too long for exact number arithmetic.
  const long = intDigits + (fracEnd - fracStart) > 15
  const digits = long ? text.slice(start, end) : ''
  return {
    negative,
    currency: marked,
    integer: long ? (grouped ? digits.replace(/,/g, '') : digits) : '',
    fraction: long ? text.slice(fracStart, fracEnd) : '',
    intValue,
    intDigits,
    fracValue,
    fracDigits: fracEnd - fracStart,
  }
}

/** Result of {@link parseMoney}: a value, or a message saying why not. */
export type MoneyParse =
  | { readonly ok: true; readonly value: Money | null }
  | {
      readonly ok: false
      readonly message: string
      /** The amount is fine but has no currency (no marker, no fallback). */
      readonly noCurrency?: true
    }

/**
 * Reads a Zoho money value into integer minor units. The rule:
 * 1. `null`, `undefined`, blank text (`""`, whitespace only; core's `isBlank`) and Zoho's `-None-` are `null`.
 * 2. A JSON number (a Zoho currency field) is an amount in major units of `fallbackCurrency` (the
 *    record's currency field, else the tenant's default currency).
 * 3. Text is an optional sign, an optional currency marker before or after the amount (an ISO code such as
 *    `USD`, or a symbol from `symbols`, e.g. `$`), and an amount whose `,` are thousands separators in
 *    groups of three and whose `.` is the decimal point: `4400$`, `$ 4,400`, `1,500.50 USD`, `USD 99`.
 *    Without a marker the currency is `fallbackCurrency`. Decimal commas (`1.500,50`) are rejected.
 * 4. The amount may not have more decimals than the currency's minor unit (USD 2, JPY 0): nothing is
 *    rounded away. The result must be a safe integer.
 */
export function parseMoney(
  value: unknown,
  fallbackCurrency: string | undefined,
  symbols: Readonly<Record<string, string>> = defaultCurrencySymbols,
): MoneyParse {
  if (value === null || value === undefined || value === ZOHO_NONE || isBlank(value))
    return { ok: true, value: null }
  let sign = ''
  let integer: string
  let fraction: string
  let currency = fallbackCurrency
  if (typeof value === 'number') {
    // Fast path: whole amounts (the common case for Zoho currency fields) need no decimal parsing.
    if (Number.isSafeInteger(value) && currency !== undefined) {
      const code = currency.toUpperCase()
      const d = minorDigits(code)
      const minor = d === undefined ? Number.NaN : value * 10 ** d
      if (Number.isSafeInteger(minor))
        return { ok: true, value: { minor: minor === 0 ? 0 : minor, currency: code } }
    }
    if (!Number.isFinite(value)) return { ok: false, message: 'expected a finite amount' }
    const text = String(value)
    const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text)
    if (!match) return { ok: false, message: 'expected an amount in plain decimal notation' }
    sign = match[1] ?? ''
    integer = match[2] as string
    fraction = match[3] ?? ''
  } else if (typeof value === 'string') {
    const scanned = scanMoneyText(value, symbols)
    if (typeof scanned === 'string') return { ok: false, message: scanned }
    if (scanned.currency !== undefined) currency = scanned.currency
    const fracDigits = scanned.fracDigits
    if (scanned.integer === '' && currency !== undefined) {
      const code = currency.toUpperCase()
      const d = minorDigits(code)
      if (d !== undefined && fracDigits <= d && scanned.intDigits + d <= 15) {
        const magnitude = scanned.intValue * 10 ** d + scanned.fracValue * 10 ** (d - fracDigits)
        const minor = scanned.negative && magnitude !== 0 ? -magnitude : magnitude
        return { ok: true, value: { minor, currency: code } }
      }
    }
    sign = scanned.negative ? '-' : ''
    integer = scanned.integer || String(scanned.intValue)
    fraction = scanned.integer
      ? scanned.fraction
      : fracDigits > 0
        ? String(scanned.fracValue).padStart(fracDigits, '0')
        : ''
  } else {
    return { ok: false, message: 'expected a number or money text' }
  }
  if (currency === undefined) {
    return {
      ok: false,
      noCurrency: true,
      message:
        'no currency: the amount has no currency marker, the record no currency field and the field map no defaultCurrency',
    }
  }
  currency = currency.toUpperCase()
  const digits = minorDigits(currency)
  if (digits === undefined) return { ok: false, message: `unknown currency code "${currency}"` }
  if (fraction.length > digits) {
    return { ok: false, message: `more decimals than ${currency} has (${digits}): nothing is rounded away` }
  }
  const minor = Number(`${sign}${integer}${fraction.padEnd(digits, '0')}`)
  if (!Number.isSafeInteger(minor)) return { ok: false, message: 'amount too large for exact minor units' }
  return { ok: true, value: { minor: minor === 0 ? 0 : minor, currency } }
}

/** Writes minor units back as a Zoho currency number in major units (`{minor: 150050}` -> `1500.5`). */
export function toMajorUnits(money: Money): number {
  const digits = minorDigits(money.currency) ?? 2
  return money.minor / 10 ** digits
}
