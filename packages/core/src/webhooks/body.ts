import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import type { InputLimits, LimitViolation } from '../limits/input-limits.ts'
import { DEFAULT_INPUT_LIMITS } from '../limits/input-limits.ts'
import { previewValue } from '../limits/preview.ts'
import { scanJsonText } from '../limits/scan-json.ts'
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
 *
 * `limits` are checked on the text **before** it is parsed: nesting deeper than `maxDepth` or a string
 * longer than `maxStringLength` is a 400 naming the path and rule (`max_depth`, `max_length`); an array
 * with more than `maxRecords` elements (or a form with more fields) is a 413 (`max_records`).
 *
 * @param limits @default DEFAULT_INPUT_LIMITS
 */
export function parseBody(
  body: Uint8Array,
  contentType: string | null,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): Result<ParsedBody, WebhookError> {
  let text: string
  try {
    text = decoder.decode(body)
  } catch (cause) {
    return err(badRequest('body is not valid UTF-8', '', cause))
  }
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  const looksJson = /^\s*[[{]/.test(text)
  if (type === 'application/json' || type.endsWith('+json') || (type === '' && looksJson)) {
    return parseJson(text, limits)
  }
  if (type === 'application/x-www-form-urlencoded' || type === '') return parseForm(text, limits)
  if (type === 'text/plain' && looksJson) return parseJson(text, limits)
  return err(
    new WebhookError(
      'UnsupportedMediaType',
      `unsupported content type "${type}": send application/json or application/x-www-form-urlencoded`,
    ),
  )
}

function parseJson(text: string, limits: InputLimits): Result<ParsedBody, WebhookError> {
  if (text.trim() === '') return err(badRequest('body is empty (expected JSON)', ''))
  const broken = scanJsonText(text, limits)
  if (broken) return err(limitError(broken, undefined))
  try {
    return ok({ kind: 'json', value: JSON.parse(text, keepBigIntegers) })
  } catch (cause) {
    const message = `body is not valid JSON: ${(cause as Error).message.slice(0, 200)}`
    return err(badRequest(message, text.slice(0, 80), cause))
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

function parseForm(text: string, limits: InputLimits): Result<ParsedBody, WebhookError> {
  const out: Record<string, string | string[]> = {}
  let fields = 0
  for (const [rawKey, value] of new URLSearchParams(text)) {
    if (++fields > limits.maxRecords) {
      return err(
        limitError(
          { path: '', rule: 'max_records', message: `more than ${limits.maxRecords} form fields` },
          undefined,
        ),
      )
    }
    const long = rawKey.length > value.length ? rawKey : value
    if (long.length > limits.maxStringLength) {
      const message = `text of ${long.length} characters exceeds the limit of ${limits.maxStringLength}`
      return err(limitError({ path: rawKey.slice(0, 100), rule: 'max_length', message }, long))
    }
    const isList = rawKey.endsWith('[]')
    const key = isList ? rawKey.slice(0, -2) : rawKey
    const existing = out[key]
    if (existing === undefined) out[key] = isList ? [value] : value
    else if (Array.isArray(existing)) existing.push(value)
    else out[key] = [existing, value]
  }
  return ok({ kind: 'form', value: out })
}

// Too many elements is the size of the request (413); too deep or too long is its content (400).
function limitError(found: LimitViolation, received: unknown): WebhookError {
  const message = `body ${found.path ? `at ${found.path} ` : ''}is ${found.message}`
  const reason = found.rule === 'max_records' ? 'PayloadTooLarge' : 'BadRequest'
  return new WebhookError(reason, message, {
    issues: [
      { path: found.path, rule: found.rule, message: found.message, received: previewValue(received) },
    ],
  })
}

function badRequest(message: string, received: unknown, cause?: unknown): WebhookError {
  return new WebhookError('BadRequest', message, {
    cause,
    issues: [{ path: '', rule: 'invalid_body', message, received }],
  })
}
