import * as z from 'zod'

/** A Zoho record as received: field api_name -> value. `id` is a 19-digit string. */
export type ZohoRecord = Readonly<Record<string, unknown>>

/** The `info` object of list, search and COQL responses (SDK model `record/Info`). */
export const pageInfo = z.object({
  per_page: z.number().nullish(),
  count: z.number().nullish(),
  page: z.number().nullish(),
  more_records: z.boolean().nullish(),
  next_page_token: z.string().nullish(),
  previous_page_token: z.string().nullish(),
  page_token_expiry: z.string().nullish(),
  sort_by: z.string().nullish(),
  sort_order: z.string().nullish(),
})

/** A parsed {@link pageInfo}. */
export type PageInfo = z.infer<typeof pageInfo>

/** A page: `{"data":[...], "info":{...}}`. Records are checked to be objects only; readers do the rest. */
export const recordsPage = z.object({
  data: z.array(z.record(z.string(), z.unknown())),
  info: pageInfo.optional(),
})

/** One item of a write response (insert/update/upsert), success or error. */
export const writeItem = z.object({
  code: z.string(),
  details: z.record(z.string(), z.unknown()).nullish(),
  message: z.string().nullish(),
  status: z.string(),
  action: z.string().nullish(),
  duplicate_field: z.string().nullish(),
})

/** A write response: `{"data":[item, ...]}`, one item per input record in input order. */
export const writeResponse = z.object({ data: z.array(writeItem) })
