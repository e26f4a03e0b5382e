import type { ParsedBody } from '@edusync/core/webhooks'
import { WebhookError } from '@edusync/core/webhooks'
import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'

/** Reads `[...]` or `{"records": [...]}` from a parsed JSON body. */
export function readRecords(body: ParsedBody): Result<readonly unknown[], WebhookError> {
  const value = body.value as unknown
  if (body.kind === 'json' && Array.isArray(value)) return ok(value)
  if (
    body.kind === 'json' &&
    value !== null &&
    typeof value === 'object' &&
    Array.isArray((value as { records?: unknown }).records)
  ) {
    return ok((value as { records: unknown[] }).records)
  }
  const message = 'expected a JSON array of records or {"records": [...]}'
  return err(
    new WebhookError('BadRequest', message, {
      issues: [{ path: 'records', rule: 'invalid_type', message, received: typeof value }],
    }),
  )
}
