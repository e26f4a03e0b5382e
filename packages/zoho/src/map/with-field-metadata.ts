import type { FieldMetadataByModule } from './field-metadata.ts'
import { readFieldMetadata } from './field-metadata.ts'
import type { FieldMap, FieldSpec, ModuleMap } from './types.ts'

/**
 * Returns `fieldMap` with the tenant's picklist options attached (`FieldSpec.options`) from its field
 * metadata (v2 or v8 shaped, per module api_name), so readers accept both the stored and the displayed
 * value of every option: a translated picklist resolves a renamed label (`Waiting Assessment`) like its
 * stored value (`Waiting Submission`), and a picklist read as text is normalised to the stored value.
 * Modules without metadata are left as they are; `fieldMap` is not changed.
 *
 * @example
 * ```ts
 * const metadata = (await loadFieldMetadata(zoho, fieldMap))._unsafeUnwrap()
 * const tenantMap = withFieldMetadata(fieldMap, metadata)
 * readZohoRecord('class', record, tenantMap)
 * ```
 */
export function withFieldMetadata(fieldMap: FieldMap, metadata: FieldMetadataByModule): FieldMap {
  const modules = { ...fieldMap.modules } as Record<string, ModuleMap>
  for (const [entity, map] of Object.entries(fieldMap.modules)) {
    const input = metadata[map.module]
    if (!input) continue
    const byName = readFieldMetadata(input)
    const fields: Record<string, FieldSpec> = {}
    for (const [field, spec] of Object.entries(map.fields)) {
      const options =
        spec.kind === 'picklist' || spec.kind === 'text' ? byName.get(spec.zoho)?.options : undefined
      fields[field] = options ? { ...spec, options } : spec
    }
    modules[entity] = { ...map, fields }
  }
  return { ...fieldMap, modules: modules as FieldMap['modules'] }
}
