import * as z from 'zod'

/** Zoho's error body: `{"code":"INVALID_TOKEN","details":{},"message":"invalid oauth token","status":"error"}`. */
export const zohoErrorBody = z.object({
  code: z.string(),
  details: z.record(z.string(), z.unknown()).nullish(),
  message: z.string().nullish(),
  status: z.string().nullish(),
})

/** A parsed {@link zohoErrorBody}. */
export type ZohoErrorBody = z.infer<typeof zohoErrorBody>

/** Reads an error body; `undefined` when the body is not Zoho's error shape (HTML from a proxy, empty). */
export function readErrorBody(text: string): ZohoErrorBody | undefined {
  try {
    const parsed = zohoErrorBody.safeParse(JSON.parse(text))
    if (parsed.success) return parsed.data
    // Some endpoints wrap one error item as {"data":[{...}]}.
    const wrapped = z.object({ data: z.array(zohoErrorBody).min(1) }).safeParse(JSON.parse(text))
    return wrapped.success ? wrapped.data.data[0] : undefined
  } catch {
    return undefined
  }
}
