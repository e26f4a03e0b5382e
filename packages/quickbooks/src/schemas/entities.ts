import * as z from 'zod'

/**
 * Any QuickBooks entity as returned: `Id` and `SyncToken` (strings) are what edusync relies on; every
 * other attribute is kept as received (QuickBooks only sends attributes that have values).
 */
export const qbEntity = z.looseObject({
  Id: z.string().min(1),
  SyncToken: z.string().optional(),
})

/** A QuickBooks entity: its attributes, with `Id` and `SyncToken` typed. */
export type QbEntity = z.output<typeof qbEntity>

/** A Customer as returned (the attributes edusync reads; others are kept). */
export const qbCustomer = z.looseObject({
  Id: z.string().min(1),
  SyncToken: z.string(),
  DisplayName: z.string(),
  GivenName: z.string().optional(),
  FamilyName: z.string().optional(),
  Notes: z.string().optional(),
  Active: z.boolean().optional(),
  PrimaryEmailAddr: z.object({ Address: z.string().optional() }).optional(),
  PrimaryPhone: z.object({ FreeFormNumber: z.string().optional() }).optional(),
})

/** A QuickBooks Customer. */
export type QbCustomer = z.output<typeof qbCustomer>

/** `{"QueryResponse":{"<Entity>":[...],"startPosition":1,"maxResults":N}}`; empty is `{"QueryResponse":{}}`. */
export const queryResponse = z.object({
  QueryResponse: z.looseObject({
    startPosition: z.number().optional(),
    maxResults: z.number().optional(),
    totalCount: z.number().optional(),
  }),
  time: z.string().optional(),
})

const faultShape = z.looseObject({ type: z.string().optional() })

/** One item of a batch answer: the entity, a QueryResponse, or a Fault. */
export const batchItemResponse = z.looseObject({
  bId: z.string(),
  Fault: faultShape.optional(),
  QueryResponse: z.looseObject({}).optional(),
})

/** `{"BatchItemResponse":[...]}`. */
export const batchResponse = z.object({
  BatchItemResponse: z.array(batchItemResponse),
  time: z.string().optional(),
})

/** `{"CDCResponse":[{"QueryResponse":[{"Customer":[...]}, ...]}],"time":"..."}`. */
export const cdcResponse = z.object({
  CDCResponse: z.array(z.object({ QueryResponse: z.array(z.looseObject({})).optional() })),
  time: z.string(),
})
