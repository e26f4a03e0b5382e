import { ResultAsync } from 'neverthrow'
import type { ZohoClient } from '../client.ts'
import type { ZohoError } from '../errors.ts'
import type { ZohoField } from '../schemas/fields.ts'
import type { FieldMap } from './types.ts'

/**
 * Fetches the field metadata of every module a field map uses (one `/settings/fields` call per module,
 * under the client's concurrency cap), keyed by module api_name: what `validateFieldMaps` and
 * `withFieldMetadata` take. Fetch it once per tenant and keep it; it changes only when the CRM is
 * customised. The first failing call fails the whole load.
 */
export function loadFieldMetadata(
  client: Pick<ZohoClient, 'fields'>,
  fieldMap: FieldMap,
): ResultAsync<Record<string, readonly ZohoField[]>, ZohoError> {
  const modules = [...new Set(Object.values(fieldMap.modules).map((m) => m.module))]
  return ResultAsync.combine(modules.map((module) => client.fields(module))).map((lists) =>
    Object.fromEntries(modules.map((module, i) => [module, lists[i] as readonly ZohoField[]])),
  )
}
