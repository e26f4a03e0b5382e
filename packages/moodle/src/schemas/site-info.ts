import * as z from 'zod'

/** `core_webservice_get_site_info`: what the flows read (other keys are kept out). */
export const siteInfo = z.object({
  sitename: z.string(),
  siteurl: z.string(),
  username: z.string(),
  userid: z.number().int(),
  release: z.string().optional(),
  version: z.string().optional(),
  functions: z.array(z.object({ name: z.string(), version: z.string().optional() })),
  userissiteadmin: z.boolean().optional(),
})

/** The site and token facts `core_webservice_get_site_info` returns. */
export type SiteInfo = z.output<typeof siteInfo>
