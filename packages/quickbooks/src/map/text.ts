/**
 * A name as QuickBooks accepts it: no `:`, tab or newline (they are refused in every name attribute),
 * single spaces, trimmed, at most `max` characters.
 */
export function cleanName(value: string | null | undefined, max: number): string {
  return cut(
    (value ?? '')
      .replace(/[:\t\r\n]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
    max,
  )
}

/** A one-line value: line breaks and tabs become spaces, trimmed, at most `max` characters. */
export function oneLine(value: string | null | undefined, max: number): string {
  return cut(
    (value ?? '')
      .replace(/[\t\r\n]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
    max,
  )
}

// Cuts by code points so a surrogate pair is never split.
function cut(text: string, max: number): string {
  const points = [...text]
  return points.length <= max ? text : points.slice(0, max).join('')
}

/** Whether QuickBooks accepts an address as `PrimaryEmailAddr.Address` (it must contain `@` and `.`). */
export function isQuickBooksEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) && value.length <= 100
}
