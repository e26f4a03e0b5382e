import * as z from 'zod'

/**
 * One field of Zoho's field metadata (the keys edusync reads; others are kept). Both API shapes are
 * accepted: v8 (`/crm/v8/settings/fields?module=X`) gives `lookup.module` as `{api_name, id}`, v2 as a plain
 * module name; an unrelated lookup is `{}` in v2 exports.
 */
export const zohoField = z.looseObject({
  api_name: z.string(),
  data_type: z.string(),
  field_label: z.string().nullish(),
  json_type: z.string().nullish(),
  system_mandatory: z.boolean().nullish(),
  read_only: z.boolean().nullish(),
  lookup: z
    .looseObject({ module: z.union([z.string(), z.looseObject({ api_name: z.string() })]).nullish() })
    .nullish(),
  pick_list_values: z
    .array(z.looseObject({ display_value: z.string().nullish(), actual_value: z.string().nullish() }))
    .nullish(),
})

/** A field description from Zoho's field metadata. */
export type ZohoField = z.infer<typeof zohoField>

/** The field metadata response: `{"fields":[...]}`. */
export const fieldsResponse = z.object({ fields: z.array(zohoField) })

/** A parsed {@link fieldsResponse}. */
export type ZohoFieldsResponse = z.infer<typeof fieldsResponse>
