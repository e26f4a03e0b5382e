import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import { WebhookError } from './webhook-error.ts'

/** A request body read as JSON or as form fields. */
export type ParsedBody =
  | { readonly kind: 'json'; readonly value: unknown }
  /** Form fields; a repeated field (or one named `x[]`) becomes an array under `x`. */
  | { readonly kind: 'form'; readonly value: Readonly<Record<string, string | readonly string[]>> }

const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * Reads a raw body as JSON (`application/json`, `*+json`) or form fields
 * (`application/x-www-form-urlencoded`); with no content type, JSON is tried when the body starts with
 * `{` or `[`. Integer JSON numbers beyond 2^53 (19-digit Zoho ids sent unquoted) are kept as their exact
 * decimal string instead of silently losing digits.
 */
export function parseBody(body: Uint8Array, contentType: string | null): Result<ParsedBody, WebhookError> {
  let text: string
  try {
    text = decoder.decode(body)
  } catch (cause) {
    return err(badRequest('body is not valid UTF-8', '', cause))
  }
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  const looksJson = /^\s*[[{]/.test(text)
  if (type === 'application/json' || type.endsWith('+json') || (type === '' && looksJson)) {
    return parseJson(text)
  }
  if (type === 'application/x-www-form-urlencoded' || type === '') return ok(parseForm(text))
  if (type === 'text/plain' && looksJson) return parseJson(text)
  return err(
    new WebhookError(
      'UnsupportedMediaType',
      `unsupported content type "${type}": send application/json or application/x-www-form-urlencoded`,
    ),
  )
}

function parseJson(text: string): Result<ParsedBody, WebhookError> {
  if (text.trim() === '') return err(badRequest('body is empty (expected JSON)', ''))
  try {
    return ok({ kind: 'json', value: JSON.parse(text, keepBigIntegers) })
  } catch (cause) {
    return err(badRequest(`body is not valid JSON: ${(cause as Error).message}`, text.slice(0, 80), cause))
  }
}

// JSON.parse source-text access (Node >= 21): the reviver sees the literal, so unsafe integers survive.
function keepBigIntegers(
  this: unknown,
  _key: string,
  value: unknown,
  context?: { source?: string },
): unknown {
  if (
    typeof value === 'number' &&
    !Number.isSafeInteger(value) &&
    context?.source &&
    /^-?\d+$/.test(context.source)
  ) {
    return context.source
  }
  return value
}

function parseForm(text: string): ParsedBody {
  const out: Record<string, string | string[]> = {}
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const isList = rawKey.endsWith('[]')
    const key = isList ? rawKey.slice(0, -2) : rawKey
    const existing = out[key]
    if (existing === undefined) out[key] = isList ? [value] : value
    else if (Array.isArray(existing)) existing.push(value)
    else out[key] = [existing, value]
  }
  return { kind: 'form', value: out }
}

function badRequest(message: string, received: unknown, cause?: unknown): WebhookError {
  return new WebhookError('BadRequest', message, {
    cause,
    issues: [{ path: '', rule: 'invalid_body', message, received }],
  })
}
