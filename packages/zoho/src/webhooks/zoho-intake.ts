import type { InputLimits, RecordOutcome, SyncLogger } from '@edusync/core'
import type { ParsedBody, SecretSource } from '@edusync/core/webhooks'
import { resolveSecrets, WebhookError } from '@edusync/core/webhooks'
import type { Result } from 'neverthrow'
import { err, errAsync, ok, okAsync, ResultAsync } from 'neverthrow'
import type { ZohoClient } from '../client.ts'
import type { ZohoError } from '../errors.ts'
import { defaultFieldMap } from '../map/default-field-map.ts'
import type { FieldMap } from '../map/types.ts'
import { createZohoReader } from '../readers/read-record.ts'
import type { ZohoRecord } from '../schemas/records.ts'
import { fetchWebhookRecords } from './fetch-webhook-records.ts'
import { verifyZohoNotificationToken } from './notification-token.ts'
import type { ZohoWebhook } from './read-webhook.ts'
import { readZohoWebhook } from './read-webhook.ts'

/** A read Zoho webhook body: what the Zoho adapter read, the module it is for, a version for idempotency. */
export interface ZohoPayload {
  readonly webhook: ZohoWebhook
  /** The Zoho module (`BTEC_Registrations`) and canonical entity (`registration`) it maps to. */
  readonly module: string
  readonly entity: string
  /**
   * The records' `Modified_Time`s, when every record has one: two deliveries of the same content at the
   * same version are duplicates; the same content at a later version (an A -> B -> A edit) is not.
   * Id-only bodies have none: they are always re-fetched.
   */
  readonly version: string | undefined
}

/**
 * Canonical records ready for the engine, plus the records the Zoho reader refused (INVALID), plus the
 * ids Zoho says were deleted (a delete notification, or an id-only webhook with `operation: "delete"`).
 */
export interface ZohoDelivery {
  readonly entity: string
  readonly records: readonly unknown[]
  readonly rejected: readonly RecordOutcome[]
  /** Ids of records deleted in Zoho (canonical ids are the Zoho record ids). */
  readonly deletes: readonly string[]
  /** What the tombstones say about where the delete came from. */
  readonly deleteReason: string
}

/**
 * Turns Zoho webhook bodies into canonical records, fetching the full records of id-only bodies. The
 * Zoho webhook handler is built on it; a host with its own pipeline can use it directly.
 */
export interface ZohoIntake {
  /** Reads the body with the Zoho adapter's envelope reader (400 on a bad body, 404 for an unknown module). */
  read(
    body: Uint8Array,
    parsed: ParsedBody,
    contentType: string | null,
    moduleFromRoute: string | undefined,
  ): Result<ZohoPayload, WebhookError>
  /** Fetches id-only records through the tenant's Zoho client and reads every record strictly. */
  resolve(
    tenant: string,
    payload: ZohoPayload,
    log?: SyncLogger | undefined,
  ): ResultAsync<ZohoDelivery, WebhookError>
}

/** Options of {@link createZohoIntake}. */
export interface ZohoIntakeOptions {
  /**
   * The tenant's Zoho client, used to fetch the records of id-only bodies (notification callbacks, ids
   * sent by a workflow). Called per delivery: cache clients (their token cache lives in them). A tenant
   * without one answers such bodies 503. @default no client
   */
  readonly clientFor?: ((tenant: string) => ZohoClient | undefined) | undefined
  /**
   * The tenant's field map (e.g. with its default currency), used to read records and to choose the
   * fields to fetch. Called per delivery: return the same map each time. @default {@link defaultFieldMap}
   */
  readonly fieldMapFor?: ((tenant: string) => FieldMap) | undefined
  /**
   * The token a tenant's notification channels were enabled with; a notification callback carrying a
   * token that does not match is refused with 401. @default none (a callback with a token is refused)
   */
  readonly notificationToken?: SecretSource | undefined
  /**
   * Depth, text length and record count limits of a delivery and of each record read. @default core's
   * `DEFAULT_INPUT_LIMITS`
   */
  readonly limits?: InputLimits | undefined
  /** The modules webhooks may name (by Zoho module or canonical entity). @default {@link defaultFieldMap} */
  readonly modules?: FieldMap | undefined
}

/**
 * Creates the Zoho intake: reads every body shape the Zoho adapter knows, fetches id-only records through
 * the tenant's client, and reads each record strictly, reporting the ones the reader refuses as INVALID.
 */
export function createZohoIntake(options: ZohoIntakeOptions = {}): ZohoIntake {
  const clientFor = options.clientFor ?? (() => undefined)
  const fieldMapFor = options.fieldMapFor ?? (() => defaultFieldMap)
  const modules = options.modules ?? defaultFieldMap
  // Readers are built once per field map and entity (fieldMapFor returns the same map each time).
  const readers = new WeakMap<FieldMap, Map<string, ReturnType<typeof createZohoReader>>>()
  const readerFor = (tenant: string, entity: string) => {
    const map = fieldMapFor(tenant)
    let byEntity = readers.get(map)
    if (!byEntity) {
      byEntity = new Map()
      readers.set(map, byEntity)
    }
    let reader = byEntity.get(entity)
    if (!reader) {
      reader = createZohoReader(entity, map, options.limits ? { limits: options.limits } : {})
      byEntity.set(entity, reader)
    }
    return reader
  }

  return {
    read(body, parsed, contentType, moduleFromRoute) {
      // JSON already parsed by core keeps unquoted 19-digit ids exact; form bodies go to the adapter raw.
      const input = parsed.kind === 'json' ? parsed.value : body
      const hook = readZohoWebhook(input, contentType, {
        ...(options.limits ? { limits: options.limits } : {}),
        ...(moduleFromRoute ? { module: moduleFromRoute } : {}),
      })
      if (hook.isErr()) return err(badBody(hook.error))
      const named = hook.value.module ?? moduleFromRoute
      if (named === undefined) {
        const message = 'name the module in the URL (/zoho/BTEC_Students) or in the body ("module")'
        return err(
          new WebhookError('BadRequest', message, {
            issues: [{ path: 'module', rule: 'missing', message, received: undefined }],
          }),
        )
      }
      const module = moduleOf(modules, named)
      if (!module)
        return err(
          new WebhookError('NotFound', `unknown Zoho module "${named}" (known: ${knownModules(modules)})`),
        )
      return ok({ webhook: hook.value, ...module, version: versionOf(hook.value) })
    },

    resolve(tenant, payload, log) {
      return checkNotificationToken(tenant, payload.webhook).andThen(() => fetchAndRead(tenant, payload, log))
    },
  }

  function checkNotificationToken(tenant: string, webhook: ZohoWebhook): ResultAsync<void, WebhookError> {
    if (webhook.kind !== 'ids' || webhook.notification?.token === undefined) return okAsync(undefined)
    const source = options.notificationToken ?? (() => undefined)
    return ResultAsync.fromSafePromise(resolveSecrets(source, tenant)).andThen((tokens) =>
      tokens.some((token) => verifyZohoNotificationToken(webhook, token))
        ? okAsync(undefined)
        : errAsync(new WebhookError('Unauthenticated', 'the notification channel token does not match')),
    )
  }

  function fetchAndRead(
    tenant: string,
    payload: ZohoPayload,
    log: SyncLogger | undefined,
  ): ResultAsync<ZohoDelivery, WebhookError> {
    const records = fetchFor(tenant, payload, log)
    const read = readerFor(tenant, payload.entity)
    return records.map((list) => {
      const good: unknown[] = []
      const rejected: RecordOutcome[] = []
      for (const [index, record] of list.entries()) {
        const result = read(record)
        if (result.isOk()) good.push(result.value)
        else {
          const e = result.error
          rejected.push({
            status: 'INVALID',
            entity: payload.entity,
            index,
            id: e.recordId,
            issues: e.issues,
            message: e.message,
          })
        }
      }
      // Ids Zoho did not return (deleted, hidden from the API user, or not readable yet) are reported,
      // never dropped silently: an ERROR answers 500, so the delivery is not recorded as done.
      const { webhook } = payload
      if (webhook.kind === 'ids' && webhook.operation !== 'delete') {
        const returned = new Set(list.map((record) => String(record.id)))
        const missing = webhook.ids.filter((id) => !returned.has(id))
        if (missing.length > 0) log?.warn('zoho did not return records', { module: payload.module, missing })
        for (const id of missing) {
          rejected.push({
            status: 'ERROR',
            entity: payload.entity,
            index: list.length + rejected.length,
            id,
            reason: `Zoho did not return ${payload.module} ${id} (deleted, not visible to the API user, or not readable yet); nothing was synced`,
          })
        }
      }
      const deleted = webhook.kind === 'ids' && webhook.operation === 'delete'
      return {
        entity: payload.entity,
        records: good,
        rejected,
        deletes: deleted ? webhook.ids : [],
        deleteReason:
          webhook.kind === 'ids' && webhook.notification
            ? `Zoho delete notification (channel ${webhook.notification.channelId})`
            : 'Zoho delete webhook',
      }
    })
  }

  function fetchFor(
    tenant: string,
    payload: ZohoPayload,
    log: SyncLogger | undefined,
  ): ResultAsync<readonly ZohoRecord[], WebhookError> {
    const { webhook } = payload
    if (webhook.kind === 'records') return okAsync(webhook.records)
    // A deleted record cannot be fetched: its ids go to the engine's deletes instead (see `resolve`).
    if (webhook.operation === 'delete') return okAsync([])
    const client = clientFor(tenant)
    if (!client) {
      return errAsync(
        new WebhookError(
          'Unavailable',
          'an id-only body needs Zoho API credentials for this tenant (config "zoho")',
          {
            retryAfter: 300,
          },
        ),
      )
    }
    return fetchWebhookRecords(
      client,
      { ...webhook, module: payload.module },
      { fieldMap: fieldMapFor(tenant) },
    ).mapErr((e: ZohoError) => {
      log?.warn('zoho fetch failed', { module: payload.module, reason: e.reason, status: e.status })
      return new WebhookError(
        'Unavailable',
        `could not fetch the records from Zoho (${e.reason}); retry later`,
        {
          cause: e,
          retryAfter: 30,
        },
      )
    })
  }
}

function badBody(error: ZohoError): WebhookError {
  return new WebhookError('BadRequest', error.message, {
    cause: error,
    issues: [{ path: '', rule: 'zoho_webhook', message: error.message, received: undefined }],
  })
}

function moduleOf(map: FieldMap, name: string): { module: string; entity: string } | undefined {
  for (const m of Object.values(map.modules)) {
    if (m.module === name || m.entity === name) return { module: m.module, entity: m.entity }
  }
  return undefined
}

function knownModules(map: FieldMap): string {
  return Object.values(map.modules)
    .map((m) => m.module)
    .join(', ')
}

function versionOf(webhook: ZohoWebhook): string | undefined {
  if (webhook.kind !== 'records') return undefined
  const times = webhook.records.map((r) => r.Modified_Time)
  return times.every((t) => typeof t === 'string' && t !== '') ? times.join(',') : undefined
}
