import type { QuickBooksFaultError } from '../errors.ts'

/** A fault as QuickBooks sends it, whatever the body's format. */
export interface ParsedFault {
  readonly type: string | undefined
  readonly errors: readonly QuickBooksFaultError[]
}

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined

/**
 * Reads a fault from a parsed JSON value: `{"Fault":{"Error":[{"Message","Detail","code","element"}],
 * "type"}}` (data services) or the lower-case `{"fault":{"error":[{"message","detail","code"}],"type"}}`
 * (platform and auth layers, and intermittently validation). `undefined` when there is no fault.
 */
export function faultFromJson(value: unknown): ParsedFault | undefined {
  if (!isObject(value)) return undefined
  const fault = value.Fault ?? value.fault
  if (!isObject(fault)) return undefined
  const list = fault.Error ?? fault.error
  const errors = (Array.isArray(list) ? list : isObject(list) ? [list] : []).filter(isObject).map(
    (e): QuickBooksFaultError => ({
      message: str(e.Message ?? e.message) ?? '',
      detail: str(e.Detail ?? e.detail) ?? '',
      code: str(e.code ?? e.Code) ?? '',
      element: str(e.element ?? e.Element) || undefined,
    }),
  )
  return { type: str(fault.type ?? fault.Type), errors }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
const decodeXml = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) =>
    e[0] === '#'
      ? String.fromCodePoint(
          e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)),
        )
      : (ENTITIES[e.toLowerCase()] ?? _),
  )
const attr = (attrs: string, name: string) => {
  const m = new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`, 'i').exec(attrs)
  return m ? decodeXml(m[1] as string) : undefined
}
const child = (xml: string, name: string) => {
  const m = new RegExp(`<${name}\\b[^>]*>([\\s\\S]*?)</${name}>`, 'i').exec(xml)
  return m ? decodeXml((m[1] as string).trim()) : ''
}

/**
 * Reads a fault from an XML body (`<IntuitResponse><Fault type="..."><Error code="..." element="...">
 * <Message/><Detail/></Error></Fault></IntuitResponse>`), which QuickBooks sends for some 401 and 429
 * answers even when JSON was asked for. A small reader for this one shape, not a general XML parser.
 */
export function faultFromXml(body: string): ParsedFault | undefined {
  const fault = /<Fault\b([^>]*)>([\s\S]*?)<\/Fault>/i.exec(body)
  if (!fault) return undefined
  const errors: QuickBooksFaultError[] = []
  for (const m of (fault[2] as string).matchAll(/<Error\b([^>]*)>([\s\S]*?)<\/Error>/gi)) {
    const attrs = m[1] as string
    const inner = m[2] as string
    errors.push({
      message: child(inner, 'Message'),
      detail: child(inner, 'Detail'),
      code: attr(attrs, 'code') ?? '',
      element: attr(attrs, 'element') || undefined,
    })
  }
  return { type: attr(fault[1] as string, 'type'), errors }
}

/** Reads a fault from a raw body in any of the formats QuickBooks uses; `undefined` when none. */
export function readFault(body: string): ParsedFault | undefined {
  const text = body.trimStart()
  if (text.startsWith('<')) return faultFromXml(text)
  try {
    return faultFromJson(JSON.parse(text))
  } catch {
    return undefined
  }
}
