import type { Money } from '@edusync/core'

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
  if (digitsCache.has(currency)) return digitsCache.get(currency)
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

// Sign, optional marker (ISO code or one non-digit symbol), amount with `,` thousands groups and `.`
// decimals, optional trailing marker. Kept free of named groups and the `u` flag: this runs per field.
const MONEY_TEXT =
  /^(-)?\s*([A-Za-z]{3}|[^\d\s.,+-])?\s*(-)?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*([A-Za-z]{3}|[^\d\s.,+-])?$/

/** Result of {@link parseMoney}: a value, or a message saying why not. */
export type MoneyParse =
  | { readonly ok: true; readonly value: Money | null }
  | { readonly ok: false; readonly message: string }

/**
 * Reads a Zoho money value into integer minor units. The rule:
 * 1. `null`, `undefined` and `""` are `null`.
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
  if (value === null || value === undefined || value === '') return { ok: true, value: null }
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
    const match = MONEY_TEXT.exec(value.trim())
    if (!match || (match[1] && match[3])) {
      return {
        ok: false,
        message:
          'expected a money amount such as "4400$", "$1,500.50" or "1,500.50 USD" (comma = thousands separator, dot = decimal point)',
      }
    }
    const markers = [match[2], match[6]].filter((m): m is string => m !== undefined)
    const codes = markers.map((m) => (m.length === 3 ? m.toUpperCase() : symbols[m]))
    if (codes.some((c) => c === undefined)) {
      return {
        ok: false,
        message: `unknown currency marker "${markers.find((_, i) => codes[i] === undefined)}"`,
      }
    }
    if (codes.length === 2 && codes[0] !== codes[1]) {
      return { ok: false, message: `two different currencies (${codes[0]} and ${codes[1]})` }
    }
    if (codes[0]) currency = codes[0]
    sign = match[1] ?? match[3] ?? ''
    const digits = match[4] as string
    integer = digits.includes(',') ? digits.replace(/,/g, '') : digits
    fraction = match[5] ?? ''
  } else {
    return { ok: false, message: 'expected a number or money text' }
  }
  if (currency === undefined) {
    return {
      ok: false,
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
