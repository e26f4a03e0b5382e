/** Digits after the decimal point of a currency (2 for USD, 0 for JPY, 3 for KWD). */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits as number
  } catch {
    return 2
  }
}

/** Formats minor units for a person, exactly (no floating point): `formatMoney(150050, 'USD')` is `1500.50 USD`. */
export function formatMoney(minor: number, currency: string): string {
  const digits = minorDigits(currency)
  const negative = minor < 0
  const text = String(Math.abs(minor)).padStart(digits + 1, '0')
  const whole = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`
  return `${negative ? '-' : ''}${whole} ${currency}`
}
