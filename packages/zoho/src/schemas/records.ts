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

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * A page: `{"data":[...], "info":{...}}`. Records are only checked to be objects (readers check fields):
 * running a generic record schema over every key of 200 records costs more than reading them.
 */
export const recordsPage = z.object({
  data: z.custom<Record<string, unknown>[]>((v) => Array.isArray(v) && v.every(isPlainObject), {
    message: 'expected a list of record objects',
  }),
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
