// JSON.rawJSON (Node 21+, V8 11.4) emits a number literal exactly as given, so money leaves as the decimal
// text computed from minor units, never through a binary float. TypeScript's ES2023 lib lacks it.
declare global {
  interface JSON {
    rawJSON(text: string): unknown
    isRawJSON(value: unknown): boolean
  }
}

/** A JSON number literal emitted verbatim, e.g. `decimalLiteral("1500.50")` serialises as `1500.50`. */
export function decimalLiteral(text: string): unknown {
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new TypeError(`not a decimal literal: ${text}`)
  return JSON.rawJSON(text)
}

/** Serialises a request body (decimal literals stay exact). */
export function jsonBody(value: unknown): string {
  return JSON.stringify(value)
}
