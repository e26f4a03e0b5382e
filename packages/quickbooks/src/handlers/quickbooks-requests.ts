import type { InputLimits } from '@edusync/core'
import { toParseIssues } from '@edusync/core'
import { parseBody, WebhookError } from '@edusync/core/webhooks'
import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import * as z from 'zod'

const kinds = z.enum(['applicant', 'student'])

/** `?kind=&limit=&offset=` of the preview. */
export const previewQuery = z.object({
  kind: kinds.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  offset: z.coerce.number().int().min(0).default(0),
})

/** The background sync's body (the seed's names). */
export const syncBody = z.object({
  batch_size: z.number().int().min(1).max(1000).default(30),
  sync_applicants: z.boolean().default(true),
  sync_students: z.boolean().default(true),
})

/** The retry's body: every failed record due again, or only `ids` of one `kind`. */
export const retryBody = z
  .object({ kind: kinds.optional(), ids: z.array(z.string().min(1)).min(1).max(1000).optional() })
  .refine((b) => (b.ids === undefined) === (b.kind === undefined), {
    message: 'give kind and ids together, or neither',
  })

/** What Intuit's redirect carries back. */
export const callbackQuery = z.object({
  code: z.string().min(1),
  state: z.string().min(1),
  realmId: z.string().regex(/^\d+$/),
})

/** The query string of a request as one value per name (the last one wins). */
export function queryOf(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams)
}

/** Validates `input` against `schema`: the value, or a 400 naming every bad field with what it received. */
export function validate<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): Result<z.output<S>, WebhookError> {
  const parsed = schema.safeParse(input)
  return parsed.success
    ? ok(parsed.data)
    : err(
        new WebhookError('BadRequest', `invalid ${what}`, {
          issues: toParseIssues(parsed.error.issues, input),
        }),
      )
}

/**
 * A JSON body (an empty one is `{}`, so every field takes its default), checked against the input limits
 * before it is parsed; any other content type is 415.
 */
export function jsonBody(
  body: Uint8Array,
  contentType: string | null,
  limits: InputLimits | undefined,
): Result<unknown, WebhookError> {
  if (body.byteLength === 0) return ok({})
  return parseBody(body, contentType, limits).andThen((parsed) =>
    parsed.kind === 'json'
      ? ok(parsed.value)
      : err(new WebhookError('UnsupportedMediaType', 'send application/json')),
  )
}
