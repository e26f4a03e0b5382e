import type { ZohoField } from '../schemas/fields.ts'
import type { PicklistOption } from './types.ts'

/** A module's field metadata as Zoho returns it: the `fields` list, or the whole `{"fields":[...]}` body. */
export type FieldMetadataInput = readonly ZohoField[] | { readonly fields: readonly ZohoField[] }

/** Field metadata per Zoho module api_name, e.g. the `modules` of a `/settings/fields` export. */
export type FieldMetadataByModule = Readonly<Record<string, FieldMetadataInput>>

/** One field's metadata, the same whichever API version produced it. */
export interface FieldMeta {
  readonly apiName: string
  readonly dataType: string
  /** Zoho refuses writes to it (`read_only`). */
  readonly readOnly: boolean
  /** The module a lookup points to; `undefined` when the metadata does not say. */
  readonly lookupModule: string | undefined
  /** Picklist options; `undefined` when the metadata lists none (a text field, or trimmed metadata). */
  readonly options: readonly PicklistOption[] | undefined
}

const cache = new WeakMap<object, ReadonlyMap<string, FieldMeta>>()

/** Reads v2- or v8-shaped field metadata into {@link FieldMeta} by api_name. */
export function readFieldMetadata(input: FieldMetadataInput): ReadonlyMap<string, FieldMeta> {
  const cached = cache.get(input)
  if (cached) return cached
  const list = 'fields' in input ? input.fields : input
  const out = new Map<string, FieldMeta>()
  for (const field of list) {
    const module = field.lookup?.module
    const options = (field.pick_list_values ?? []).flatMap((value): PicklistOption[] => {
      const actual = value.actual_value ?? value.display_value
      const display = value.display_value ?? value.actual_value
      return typeof actual === 'string' && typeof display === 'string' ? [{ display, actual }] : []
    })
    out.set(field.api_name, {
      apiName: field.api_name,
      dataType: field.data_type,
      readOnly: field.read_only === true,
      lookupModule: typeof module === 'string' ? module : (module?.api_name ?? undefined),
      options: options.length > 0 ? options : undefined,
    })
  }
  cache.set(input, out)
  return out
}
