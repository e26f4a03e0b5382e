import type { ResultAsync } from 'neverthrow'
import type { ZohoError } from '../errors.ts'
import type { ApiCall } from '../http/api-client.ts'
import { decodeBody } from '../http/decode.ts'
import type { ZohoField } from '../schemas/fields.ts'
import { fieldsResponse } from '../schemas/fields.ts'

/** Fetches a module's field metadata (`GET /crm/v8/settings/fields?module=X`), e.g. for `validateFieldMap`. */
export function getFields(call: ApiCall, module: string): ResultAsync<readonly ZohoField[], ZohoError> {
  const path = '/crm/v8/settings/fields'
  return call({ method: 'GET', path, searchParams: { module } }).andThen((response) =>
    decodeBody(response, fieldsResponse, { method: 'GET', url: `${path}?module=${module}` }).map(
      (r) => r.fields,
    ),
  )
}
