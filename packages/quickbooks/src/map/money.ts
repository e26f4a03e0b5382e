import type { Money } from '@edusync/core'
import { decimalLiteral } from '../http/json-body.ts'

// ISO 4217 minor units that are not 2 (the common case). RWF and UGX have none; the dinars three.
const MINOR_DIGITS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
}

/** Digits after the decimal point in a currency (ISO 4217 minor unit; 2 unless listed otherwise). */
export function minorDigits(currency: string): number {
  return MINOR_DIGITS[currency.toUpperCase()] ?? 2
}

/**
 * Minor units as an exact decimal string: `{ minor: 150050, currency: 'USD' }` -> `"1500.50"`,
 * `{ minor: 5000, currency: 'RWF' }` -> `"5000"`. Integer arithmetic on the digits, never a float.
 */
export function toDecimalString(money: Money): string {
  if (!Number.isSafeInteger(money.minor))
    throw new TypeError(`amount must be a safe integer of minor units, got ${money.minor}`)
  const digits = minorDigits(money.currency)
  const negative = money.minor < 0
  const text = String(Math.abs(money.minor)).padStart(digits + 1, '0')
  const whole = digits === 0 ? text : text.slice(0, -digits)
  const fraction = digits === 0 ? '' : `.${text.slice(-digits)}`
  return `${negative ? '-' : ''}${whole}${fraction}`
}

/** The amount as a JSON number literal written exactly (see `decimalLiteral`). */
export function amountLiteral(money: Money): unknown {
  return decimalLiteral(toDecimalString(money))
}
