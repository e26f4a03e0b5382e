import type { FieldMeta, FieldMetadataByModule, FieldMetadataInput } from './field-metadata.ts'
import { readFieldMetadata } from './field-metadata.ts'
import type { FieldMap, FieldSpec, ModuleMap } from './types.ts'

/** Options of {@link withFieldMetadata}. */
export interface WithFieldMetadataOptions {
  /** Row metadata of subforms, keyed by the subform field's api_name: row picklists get their options too. */
  readonly subforms?: Readonly<Record<string, FieldMetadataInput>>
}

const withOptions = (spec: FieldSpec, byName: ReadonlyMap<string, FieldMeta>): FieldSpec => {
  const options =
    spec.kind === 'picklist' || spec.kind === 'text' ? byName.get(spec.zoho)?.options : undefined
  return options ? { ...spec, options } : spec
}

/**
 * Returns `fieldMap` with the tenant's picklist options attached (`FieldSpec.options`) from its field
 * metadata (v2 or v8 shaped, per module api_name), so readers accept both the stored and the displayed
 * value of every option: a translated picklist resolves a renamed label (`Waiting Assessment`) like its
 * stored value (`Waiting Submission`), and a picklist read as text is normalised to one form. Modules
 * without metadata are left as they are; `fieldMap` is not changed.
 *
 * @example
 * ```ts
 * const metadata = (await loadFieldMetadata(zoho, fieldMap))._unsafeUnwrap()
 * const tenantMap = withFieldMetadata(fieldMap, metadata)
 * readZohoRecord('class', record, tenantMap)
 * ```
 */
export function withFieldMetadata(
  fieldMap: FieldMap,
  metadata: FieldMetadataByModule,
  options: WithFieldMetadataOptions = {},
): FieldMap {
  const modules = { ...fieldMap.modules } as Record<string, ModuleMap>
  for (const [entity, map] of Object.entries(fieldMap.modules)) {
    const input = metadata[map.module]
    if (!input) continue
    const byName = readFieldMetadata(input)
    const fields: Record<string, FieldSpec> = {}
    for (const [field, spec] of Object.entries(map.fields)) {
      const rowsInput = spec.kind === 'subform' ? options.subforms?.[spec.zoho] : undefined
      if (rowsInput && spec.rows) {
        const rowsByName = readFieldMetadata(rowsInput)
        const rows = Object.fromEntries(
          Object.entries(spec.rows).map(([rowField, rowSpec]) => [
            rowField,
            withOptions(rowSpec, rowsByName),
          ]),
        )
        fields[field] = { ...spec, rows }
      } else fields[field] = withOptions(spec, byName)
    }
    modules[entity] = { ...map, fields }
  }
  return { ...fieldMap, modules: modules as FieldMap['modules'] }
}
