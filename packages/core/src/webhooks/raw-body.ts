import { ResultAsync } from 'neverthrow'
import { WebhookError } from './webhook-error.ts'

/** Default body size limit: 1 MiB (a 200-record Zoho batch is ~200 KiB). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024

/**
 * Reads a request's body as the exact bytes received (signatures are computed over these, never over a
 * re-serialised parse), stopping as soon as `maxBytes` is exceeded so an oversized body is not buffered.
 */
export function readRawBody(
  request: Request,
  maxBytes: number = DEFAULT_MAX_BODY_BYTES,
): ResultAsync<Uint8Array, WebhookError> {
  const tooLarge = () =>
    new WebhookError('PayloadTooLarge', `request body exceeds the limit of ${maxBytes} bytes`)
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (Number.isFinite(declared) && declared > maxBytes) {
    return ResultAsync.fromPromise(Promise.reject(tooLarge()), (e) => e as WebhookError)
  }
  return ResultAsync.fromPromise(collect(request, maxBytes, tooLarge), (e) =>
    e instanceof WebhookError
      ? e
      : new WebhookError('BadRequest', 'request body could not be read', { cause: e }),
  )
}

async function collect(
  request: Request,
  maxBytes: number,
  tooLarge: () => WebhookError,
): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => {})
      throw tooLarge()
    }
    chunks.push(value)
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array
  const out = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}
