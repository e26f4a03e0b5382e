import { ResultAsync } from 'neverthrow'
import type { ZohoToken } from './auth/zoho-token.ts'
import type { ZohoConfig } from './config.ts'
import { resolveConfig } from './config.ts'
import type { ZohoError } from './errors.ts'
import type { ApiRequest } from './http/api-client.ts'
import { createApiClient } from './http/api-client.ts'
import type { RawResponse } from './http/transport.ts'
import { getFields } from './resources/fields.ts'
import type { RecordsApi } from './resources/records.ts'
import { createRecordsApi } from './resources/records.ts'
import type { ZohoField } from './schemas/fields.ts'

/** A Zoho CRM client: one access token, one concurrency cap, shared by every call made through it. */
export interface ZohoClient {
  /** The Records API (get, list, search, COQL, insert, update, upsert). */
  readonly records: RecordsApi
  /** A module's field metadata (`/crm/v8/settings/fields?module=X`). */
  fields(module: string): ResultAsync<readonly ZohoField[], ZohoError>
  /**
   * Any other CRM call, authenticated, capped and retried like the rest: resolves with 2xx and 304
   * responses (body as text), every other status is a {@link ZohoError}.
   */
  request(request: ApiRequest): ResultAsync<RawResponse, ZohoError>
  /** The current access token (refreshing if needed), e.g. to hand to another tool. */
  token(): ResultAsync<ZohoToken, ZohoError>
}

/**
 * Creates a Zoho CRM client. Invalid configuration throws; everything after returns Results.
 *
 * @example
 * ```ts
 * const zoho = createZohoClient({ dataCenter: 'EU', clientId, clientSecret, refreshToken })
 * for await (const page of zoho.records.list('BTEC_Students', { fields: ['Name', 'First_Name'] })) {
 *   if (page.isErr()) throw page.error
 *   console.log(page.value.records.length)
 * }
 * ```
 */
export function createZohoClient(config: ZohoConfig): ZohoClient {
  const api = createApiClient(resolveConfig(config))
  return {
    records: createRecordsApi(api.call),
    fields: (module) => getFields(api.call, module),
    request: api.call,
    token: () => new ResultAsync(api.tokens.get()),
  }
}
