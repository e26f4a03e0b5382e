import * as z from 'zod'

/** A token endpoint answer: the pair on success, `error` on failure (`{"error":"invalid_grant"}`). */
export const tokenResponse = z.object({
  access_token: z.string().min(1).optional(),
  refresh_token: z.string().min(1).optional(),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().optional(),
  x_refresh_token_expires_in: z.coerce.number().optional(),
  id_token: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
})
