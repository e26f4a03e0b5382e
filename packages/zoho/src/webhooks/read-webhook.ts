import type { InputLimits } from '@edusync/core'
import { DEFAULT_INPUT_LIMITS, findLimitViolation, previewValue, scanJsonText } from '@edusync/core'
import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import { ZohoError } from '../errors.ts'
import type { ZohoRecord } from '../schemas/records.ts'

/** What a Zoho webhook carried. */
export type ZohoWebhook = ZohoWebhookRecords | ZohoWebhookIds

/** Full records (`{"data":[...]}` from Deluge/API, or one record as JSON or form fields): read them directly. */
export interface ZohoWebhookRecords {
  readonly kind: 'records'
  /** The module, when the body or the caller named it. */
  readonly module: string | undefined
  readonly records: readonly ZohoRecord[]
}

/**
 * Only ids (`{"zoho_id":..,"module":..}`, `ids[]`, or a notification-channel callback): the caller must
 * fetch the records (see `fetchWebhookRecords`), except for `operation: "delete"`.
 */
export interface ZohoWebhookIds {
  readonly kind: 'ids'
  readonly module: string
  readonly ids: readonly string[]
  /** `insert`, `update` or `delete` when the sender said so (notification callbacks always do). */
  readonly operation?: string
  /** Present for notification-channel callbacks (api-facts §1.9): verify `token` before trusting it. */
  readonly notification?: ZohoNotification
}

/** The channel part of a notification ("watch") callback. */
export interface ZohoNotification {
  readonly channelId: string
  /** The token set when the channel was enabled; compare with `verifyZohoNotificationToken`. */
  readonly token: string | undefined
  readonly serverTime: number | undefined
  /** Record id -> changed field api_names. */
  readonly affectedFields: Readonly<Record<string, readonly string[]>>
}

/** Options of {@link readZohoWebhook}. */
export interface ReadWebhookOptions {
  /** The module when the body does not name it (e.g. taken from the route `/webhooks/zoho/:module`). */
  readonly module?: string
  /**
   * Depth, text-length and records-per-body bounds, checked before the body is parsed or searched (a
   * breach is a `Decode` error naming the path and rule). @default DEFAULT_INPUT_LIMITS
   */
  readonly limits?: InputLimits
}

const TEMPLATE = /\$\{![^}]*\}?/
const ID_KEYS = ['zoho_id', 'id', 'record_id', 'recordId', 'Id', 'ID']
const META_KEYS = new Set(['module', 'Module', 'operation', 'event', 'token', 'secret', 'tenant', ...ID_KEYS])

const decodeError = (message: string, cause?: unknown) =>
  new ZohoError('Decode', message, {
    request: { method: 'POST', url: 'webhook' },
    ...(cause ? { cause } : {}),
  })

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Reads a Zoho webhook body of any of the shapes Zoho really sends: `{"data":[record, ...]}`, one record
 * as JSON, a record as form fields, `{"zoho_id":"..","module":".."}`, `ids[]=..&module=..`, or a
 * notification-channel callback. A body still holding a literal `${!...}` merge field (Zoho failed to
 * substitute it) is rejected with a `Decode` error saying so.
 *
 * Never throws, whatever `body` is: a body beyond `options.limits`, values JSON cannot represent or an
 * object whose getters throw come back as a `Decode` error.
 *
 * @param body the raw body (string, URLSearchParams or bytes), or an already parsed JSON value
 * @param contentType the request's Content-Type; without it, JSON is recognised by its first character
 *
 * @example
 * ```ts
 * const hook = readZohoWebhook(await request.text(), request.headers.get('content-type'))
 * if (hook.isOk() && hook.value.kind === 'ids') await fetchWebhookRecords(zoho, hook.value)
 * ```
 */
export function readZohoWebhook(
  body: unknown,
  contentType?: string | null,
  options: ReadWebhookOptions = {},
): Result<ZohoWebhook, ZohoError> {
  try {
    return readChecked(body, contentType, options, options.limits ?? DEFAULT_INPUT_LIMITS)
  } catch (cause) {
    return err(decodeError('the webhook body could not be read', cause))
  }
}

function readChecked(
  body: unknown,
  contentType: string | null | undefined,
  options: ReadWebhookOptions,
  limits: InputLimits,
): Result<ZohoWebhook, ZohoError> {
  const parsed = parseBody(body, contentType ?? undefined, limits)
  if (parsed.isErr()) return err(parsed.error)
  // Text was scanned before JSON.parse; a value handed in already parsed is walked here. Either way the
  // template search and classification below only ever see bounded values.
  const broken = findLimitViolation(parsed.value, limits)
  if (broken) return err(limitError(broken))
  const template = findTemplate(parsed.value, '')
  if (template) {
    return err(
      decodeError(
        `the webhook body still contains the unsubstituted Zoho template ${template.text} at ${template.path || '(body)'}: the workflow rule's merge field did not resolve, so the record cannot be identified (check the field in the webhook's body template)`,
      ),
    )
  }
  return classify(parsed.value, options)
}

function limitError(found: { path: string; rule: string; message: string }): ZohoError {
  return decodeError(
    `the webhook body ${found.path ? `at ${found.path} ` : ''}is ${found.message} (${found.rule})`,
  )
}

function parseBody(
  body: unknown,
  contentType: string | undefined,
  limits: InputLimits,
): Result<unknown, ZohoError> {
  if (body instanceof URLSearchParams) return ok(formToObject(body))
  let text: string | undefined
  if (typeof body === 'string') text = body
  else if (body instanceof Uint8Array) text = new TextDecoder().decode(body)
  if (text === undefined)
    return body === null || body === undefined ? err(decodeError('the webhook body is empty')) : ok(body)
  const trimmed = text.trim()
  if (trimmed.length === 0) return err(decodeError('the webhook body is empty'))
  const type = contentType?.toLowerCase() ?? ''
  const json =
    type.includes('json') || (!type.includes('form') && (trimmed.startsWith('{') || trimmed.startsWith('[')))
  if (!json) return ok(formToObject(new URLSearchParams(trimmed)))
  const broken = scanJsonText(trimmed, limits)
  if (broken) return err(limitError(broken))
  try {
    return ok(JSON.parse(trimmed))
  } catch (cause) {
    const template = TEMPLATE.exec(trimmed)
    if (template) {
      return err(
        decodeError(
          `the webhook body still contains the unsubstituted Zoho template ${template[0]} (and is not valid JSON): the workflow rule's merge field did not resolve`,
          cause,
        ),
      )
    }
    return err(decodeError(`the webhook body is not valid JSON (${(cause as Error).message})`, cause))
  }
}

// Form bodies: repeated keys and `key[]` become arrays; a single `data` field holding JSON (Deluge posting
// a map as parameters) is read as that JSON.
function formToObject(form: URLSearchParams): unknown {
  const out: Record<string, unknown> = {}
  for (const [rawKey, value] of form) {
    const key = rawKey.endsWith('[]') ? rawKey.slice(0, -2) : rawKey
    const existing = out[key]
    if (rawKey.endsWith('[]') || existing !== undefined) {
      out[key] = Array.isArray(existing)
        ? [...existing, value]
        : existing === undefined
          ? [value]
          : [existing, value]
    } else out[key] = value
  }
  const keys = Object.keys(out)
  const data = out.data
  if (typeof data === 'string' && keys.every((k) => k === 'data' || META_KEYS.has(k))) {
    try {
      const inner = JSON.parse(data) as unknown
      return { ...out, data: inner }
    } catch {
      return out
    }
  }
  return out
}

function findTemplate(value: unknown, path: string): { text: string; path: string } | undefined {
  if (typeof value === 'string') {
    const match = TEMPLATE.exec(value)
    return match ? { text: match[0], path } : undefined
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findTemplate(value[i], path ? `${path}.${i}` : String(i))
      if (found) return found
    }
  } else if (isRecord(value)) {
    for (const [key, inner] of Object.entries(value)) {
      const found = findTemplate(inner, path ? `${path}.${key}` : key)
      if (found) return found
    }
  }
  return undefined
}

// Zoho record ids are digit strings (19 digits today); anything else cannot name a record, and asking
// Zoho for it only earns a 400 that a retry repeats forever.
const ZOHO_RECORD_ID = /^\d{1,40}$/

function readId(value: unknown, where: string): Result<string, ZohoError> {
  if (typeof value === 'string' && ZOHO_RECORD_ID.test(value.trim())) return ok(value.trim())
  if (typeof value === 'string' && value.includes('${')) {
    return err(
      decodeError(
        `${where} is the unresolved template ${JSON.stringify(previewValue(value, { maxStringLength: 80, maxDepth: 1 }))}, not a record id: write the merge field as Zoho substitutes it ("\${!Module.Id}")`,
      ),
    )
  }
  if (typeof value === 'number' && Number.isSafeInteger(value)) return ok(String(value))
  if (typeof value === 'number') {
    return err(
      decodeError(
        `${where} arrived as the JSON number ${value}, beyond 2^53: its digits are already lost; quote the merge field in the webhook template ("\${!Module.Id}")`,
      ),
    )
  }
  return err(
    decodeError(
      `${where} is not a Zoho record id, which is digits (received ${JSON.stringify(previewValue(value, { maxStringLength: 80, maxDepth: 1 })) ?? 'nothing'})`,
    ),
  )
}

function readIds(value: unknown, where: string): Result<string[], ZohoError> {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value]
  const ids: string[] = []
  for (const [i, item] of list.entries()) {
    const id = readId(item, `${where}[${i}]`)
    if (id.isErr()) return err(id.error)
    ids.push(id.value)
  }
  return ids.length > 0 ? ok(ids) : err(decodeError(`${where} is empty`))
}

function classify(value: unknown, options: ReadWebhookOptions): Result<ZohoWebhook, ZohoError> {
  if (Array.isArray(value)) return recordsOf(value, options.module, 'the body')
  if (!isRecord(value)) return err(decodeError('the webhook body is not an object'))
  const moduleField = value.module ?? value.Module
  const module = typeof moduleField === 'string' && moduleField.length > 0 ? moduleField : options.module
  if (Array.isArray(value.data)) return recordsOf(value.data, module, 'data')
  const needModule = (ids: string[], extra: Partial<ZohoWebhookIds> = {}): Result<ZohoWebhook, ZohoError> =>
    module
      ? ok({ kind: 'ids', module, ids, ...extra })
      : err(
          decodeError(
            'the webhook names record ids but no module: add "module" to the body or pass options.module',
          ),
        )
  const operation = typeof value.operation === 'string' ? { operation: value.operation } : {}
  if (value.channel_id !== undefined && value.ids !== undefined) {
    return notificationOf(value).andThen((notification) =>
      readIds(value.ids, 'ids').andThen((ids) => needModule(ids, { ...operation, notification })),
    )
  }
  if (value.ids !== undefined) return readIds(value.ids, 'ids').andThen((ids) => needModule(ids, operation))
  const keys = Object.keys(value)
  const idKey = ID_KEYS.find((k) => value[k] !== undefined)
  if (idKey && keys.every((k) => META_KEYS.has(k))) {
    return readId(value[idKey], idKey).andThen((id) => needModule([id], operation))
  }
  const { module: _m, Module: _M, ...record } = value
  return recordsOf([record], module, 'the body')
}

function recordsOf(
  list: unknown[],
  module: string | undefined,
  where: string,
): Result<ZohoWebhook, ZohoError> {
  const bad = list.findIndex((item) => !isRecord(item))
  if (bad >= 0) return err(decodeError(`${where}[${bad}] is not a record object`))
  if (list.length === 0) return err(decodeError(`${where} holds no records`))
  return ok({ kind: 'records', module, records: list as ZohoRecord[] })
}

function notificationOf(value: Record<string, unknown>): Result<ZohoNotification, ZohoError> {
  const channel = value.channel_id
  if (!(typeof channel === 'string' || (typeof channel === 'number' && Number.isFinite(channel)))) {
    return err(decodeError('channel_id of a notification callback must be a string or number'))
  }
  const affected: Record<string, string[]> = {}
  if (Array.isArray(value.affected_fields)) {
    for (const entry of value.affected_fields) {
      if (!isRecord(entry)) continue
      for (const [id, fields] of Object.entries(entry)) {
        if (Array.isArray(fields)) affected[id] = fields.filter((f): f is string => typeof f === 'string')
      }
    }
  }
  return ok({
    channelId: String(channel),
    token: typeof value.token === 'string' ? value.token : undefined,
    serverTime: typeof value.server_time === 'number' ? value.server_time : undefined,
    affectedFields: affected,
  })
}
