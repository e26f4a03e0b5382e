import { redactSecrets } from '../registry/redact.ts'
import type { ConfigItem, ConfigKind } from '../registry/registry.ts'
import { jsonResponse } from '../webhooks/responses.ts'
import type { RouteContext } from './config-api.ts'
import { etag, expectedVersion, problem, staleProblem, storeProblem } from './http.ts'

/** A config item as the API shows it (sealed secrets redacted; connections are masked before this). */
export const itemBody = (item: ConfigItem, value: unknown = item.value) => ({
  kind: item.kind,
  key: item.key,
  value: redactSecrets(value),
  version: item.version,
  updatedAt: item.updatedAt.toISOString(),
})

/**
 * Writes one document under the request's `If-Match` (absent: create only) and answers 200/201 with its
 * ETag, 409 when stale, 400 on a malformed `If-Match`. `show` turns the stored item into the body.
 */
export async function writeDocument(
  ctx: RouteContext,
  tenant: string,
  kind: ConfigKind,
  key: string,
  value: Record<string, unknown>,
  show: (item: ConfigItem) => unknown = (item) => itemBody(item),
): Promise<Response> {
  const expected = expectedVersion(ctx.request)
  if (expected === undefined) return problem(400, 'BadRequest', 'If-Match must be an ETag like "3"')
  const written = await ctx.options.registry.putConfig(tenant, kind, key, value, expected, {
    actor: ctx.actor,
    now: ctx.now,
  })
  if (written.isErr()) return storeProblem(written.error)
  if (written.value.status === 'stale') return staleProblem(written.value.current)
  await ctx.options.onChange?.(tenant)
  const item = written.value.value
  return jsonResponse(expected === 0 ? 201 : 200, show(item), { etag: etag(item.version) })
}

/** Deletes one document under a required `If-Match`. */
export async function deleteDocument(ctx: RouteContext, tenant: string, kind: ConfigKind, key: string) {
  const expected = expectedVersion(ctx.request)
  if (expected === undefined || expected === 0) {
    return problem(428, 'PreconditionRequired', 'send If-Match with the ETag you read')
  }
  const deleted = await ctx.options.registry.deleteConfig(tenant, kind, key, expected, {
    actor: ctx.actor,
    now: ctx.now,
  })
  if (deleted.isErr()) return storeProblem(deleted.error)
  if (deleted.value.status === 'stale') return staleProblem(deleted.value.current)
  await ctx.options.onChange?.(tenant)
  return new Response(null, { status: 204 })
}
