import * as z from 'zod'

/**
 * The token endpoint's answer. Success is decided by the presence of `access_token` (as the official SDK
 * does), never by HTTP status: Zoho reports `{"error":"invalid_code"}` with HTTP 200.
 */
export const tokenResponse = z.object({
  access_token: z.string().min(1).optional(),
  api_domain: z.string().optional(),
  token_type: z.string().optional(),
  expires_in: z.number().optional(),
  // Older Zoho accounts servers answered `expires_in_sec`; some clients broke on it.
  expires_in_sec: z.number().optional(),
  error: z.string().optional(),
})
