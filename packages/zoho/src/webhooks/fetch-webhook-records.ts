import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import type { ZohoClient } from '../client.ts'
import type { ZohoError } from '../errors.ts'
import { defaultFieldMap } from '../map/default-field-map.ts'
import type { FieldMap } from '../map/types.ts'
import { findModuleMap } from '../map/with-field-map.ts'
import type { ZohoRecord } from '../schemas/records.ts'
import type { ZohoWebhook } from './read-webhook.ts'

/** Options of {@link fetchWebhookRecords}. */
export interface FetchWebhookOptions {
  /** Field api_names to fetch. @default every Zoho field the field map reads for the module */
  readonly fields?: readonly string[]
  readonly fieldMap?: FieldMap
}

/** The Zoho api_names a module map reads (what a fetch must ask for), at most 50. */
export function fieldsToFetch(fieldMap: FieldMap, module: string): string[] {
  const map = findModuleMap(fieldMap, module)
  if (!map) return []
  const names = new Set<string>()
  for (const spec of Object.values(map.fields)) {
    if (spec.kind === 'id') continue
    if (spec.kind === 'criteria') for (const zoho of Object.values(spec.criteria ?? {})) names.add(zoho)
    else names.add(spec.zoho)
  }
  if (map.currencyField) names.add(map.currencyField)
  return [...names].slice(0, 50)
}

/**
 * Resolves a webhook to full records: records it already holds are returned as they are; ids are fetched
 * with the list call's `ids` parameter, 100 per request (never one request per record). Ids Zoho no
 * longer has are simply absent from the result.
 */
export function fetchWebhookRecords(
  client: ZohoClient,
  webhook: ZohoWebhook,
  options: FetchWebhookOptions = {},
): ResultAsync<ZohoRecord[], ZohoError> {
  if (webhook.kind === 'records') return new ResultAsync(Promise.resolve(ok([...webhook.records])))
  const fields = options.fields ?? fieldsToFetch(options.fieldMap ?? defaultFieldMap, webhook.module)
  const run = async (): Promise<Result<ZohoRecord[], ZohoError>> => {
    const records: ZohoRecord[] = []
    for (let start = 0; start < webhook.ids.length; start += 100) {
      const ids = webhook.ids.slice(start, start + 100)
      for await (const page of client.records.list(webhook.module, {
        fields: fields.length > 0 ? fields : ['id'],
        ids,
      })) {
        if (page.isErr()) return err(page.error)
        records.push(...page.value.records)
      }
    }
    return ok(records)
  }
  return new ResultAsync(run())
}
